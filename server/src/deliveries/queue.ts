export interface WorkQueue {
  /** Queues ids not already queued or running in this process. */
  push(ids: Iterable<string>): void;
  has(id: string): boolean;
  /** Ids queued or running. */
  readonly size: number;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
}

/**
 * Runs `work(id)` for queued ids, at most `concurrency` at once, in this process. The
 * queue is only a fast path: the delivery documents stay the source of truth, so what a
 * crash loses here the sweep finds again.
 */
export function createWorkQueue(concurrency: number, work: (id: string) => Promise<void>): WorkQueue {
  const waiting: string[] = [];
  const known = new Set<string>();
  let running = 0;
  let idleWaiters: Array<() => void> = [];

  const pump = (): void => {
    while (running < concurrency && waiting.length > 0) {
      const id = waiting.shift() as string;
      running += 1;
      void work(id).finally(() => {
        running -= 1;
        known.delete(id);
        pump();
      });
    }
    if (running === 0 && waiting.length === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  return {
    push(ids) {
      for (const id of ids) {
        if (known.has(id)) continue;
        known.add(id);
        waiting.push(id);
      }
      pump();
    },
    has: (id) => known.has(id),
    get size() {
      return known.size;
    },
    idle: () => (known.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
  };
}
