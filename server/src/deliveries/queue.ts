export interface WorkQueue {
  /** Queues ids not already queued or running in this process. */
  push(ids: Iterable<string>): void;
  /** Queues `id` (unless already there) and resolves once its work is done. */
  run(id: string): Promise<void>;
  has(id: string): boolean;
  /** Ids queued or running. */
  readonly size: number;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
}

/**
 * Runs `work(id)` for queued ids, at most `concurrency` at once, in this process. The
 * queue is only a fast path: the delivery documents stay the source of truth, so what a
 * crash loses here the sweep finds again. `work` must not reject.
 */
export function createWorkQueue(concurrency: number, work: (id: string) => Promise<void>): WorkQueue {
  const waiting: string[] = [];
  const done = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  const pump = (): void => {
    while (running < concurrency && waiting.length > 0) {
      const id = waiting.shift() as string;
      running += 1;
      void work(id).finally(() => {
        running -= 1;
        done.get(id)?.resolve();
        done.delete(id);
        pump();
      });
    }
    if (running === 0 && waiting.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const enqueue = (id: string): Promise<void> => {
    const known = done.get(id);
    if (known) return known.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((settle) => (resolve = settle));
    done.set(id, { promise, resolve });
    waiting.push(id);
    return promise;
  };

  return {
    push(ids) {
      for (const id of ids) void enqueue(id);
      pump();
    },
    run(id) {
      const promise = enqueue(id);
      pump();
      return promise;
    },
    has: (id) => done.has(id),
    get size() {
      return done.size;
    },
    idle: () => (done.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}
