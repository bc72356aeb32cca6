/** One delivery to attempt, in the lane of its subscription. */
export interface WorkItem {
  id: string;
  /** The subscription (endpoint) whose lane the item waits in. */
  lane: string;
}

export interface WorkQueueOptions {
  /** Items running at once in this process, over every lane. */
  concurrency: number;
  /** Items of one lane running at once; asked each time the lane could start one more. */
  laneLimit(lane: string): number;
  /** A lane keeps at most this many items waiting beyond its free slots; what comes beyond is released. */
  maxWaiting: number;
  /**
   * Must not reject. `sent()` says the receiver has answered: the item's lane and global slot
   * go to the next item while this one's outcome is still being recorded (the item stays
   * queued, so `has` is true, until its promise settles).
   */
  work(item: WorkItem, sent: () => void): Promise<void>;
  /** Takes back items a full lane could not keep (the database holds them meanwhile). Must not reject. */
  release(items: WorkItem[]): Promise<void>;
  /**
   * A lane that gave items back (or was marked with `spilled`) is running low: fewer than its
   * limit waiting. `version` goes to `drained` once the database has no more of its items due.
   */
  onRoom?(lane: string, version: number): void;
}

export interface WorkQueue {
  /** Queues items not already queued or running in this process. */
  push(items: Iterable<WorkItem>): void;
  /** Queues `item` (unless already there) and resolves once its work is done or it was released. */
  run(item: WorkItem): Promise<void>;
  has(id: string): boolean;
  /** The lane of an item queued or running. */
  laneOf(id: string): string | undefined;
  /** Lanes that already hold a full round (their limit) waiting: more of theirs would only be released. */
  saturatedLanes(): string[];
  /** Items queued or running. */
  readonly size: number;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /**
   * Whether an item pushed to `lane` now would be given back (its free slots and maxWaiting are
   * taken) and none of its items finished for `forMs`: a stuck endpoint, not a busy one (whose
   * lane has room again a moment later).
   */
  stalled(lane: string, forMs: number): boolean;
  /** The database holds more due items of `lane`: ask for them (`onRoom`) when it runs low. */
  spilled(lane: string): void;
  /** The database had no more due items of `lane` when asked under `version`: stop asking (unless it spilled since). */
  drained(lane: string, version: number): void;
  /** Asks (`onRoom`) for more of a lane that spilled if it is running low now. */
  recheck(lane: string): void;
}

interface Lane {
  key: string;
  waiting: WorkItem[];
  running: number;
  /** In `turns` already. */
  hasTurn: boolean;
  /** When an item of it last gave up its slot (sent or finished), or the lane was made (ms since the epoch). */
  movedAt: number;
}

/**
 * A fair work queue: one lane per subscription, served round-robin, so a receiver that
 * answers slowly holds at most its lane's limit of the `concurrency` slots while the other
 * lanes keep theirs turning. A lane also never takes more than an equal share of the
 * slots among the lanes that have work, so several slow receivers cannot together take
 * them all. Memory stays bounded: a lane keeps `maxWaiting` items waiting and
 * hands the rest to `release`. An item frees its slot once its receiver has answered (`sent`),
 * not once its outcome is recorded: the slots bound requests in flight to receivers, and the
 * items past `sent` that are still recording are bounded on their own, by `concurrency` too.
 * The queue is only a fast path: the delivery documents stay
 * the source of truth, so what a crash loses here the sweep finds again.
 */
export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const { concurrency, laneLimit, maxWaiting } = options;
  const lanes = new Map<string, Lane>();
  /** Lanes that have an item waiting and room to start it, in the order they are served. */
  const turns: Lane[] = [];
  /** Lanes with items waiting but none of their slots free. */
  const held = new Set<Lane>();
  const done = new Map<string, { lane: string; promise: Promise<void>; resolve: () => void }>();
  /** Items holding a slot: their request to the receiver has not been answered yet. */
  let running = 0;
  /** Items past `sent()` whose outcome is still being recorded. */
  let finishing = 0;
  let idleWaiters: Array<() => void> = [];
  /** Lanes with items in the database, and how often they spilled (a drain reported under an older count is stale). */
  const spills = new Map<string, number>();

  const limitOf = (lane: Lane): number => Math.min(laneLimit(lane.key), Math.ceil(concurrency / lanes.size));
  const offerTurn = (lane: Lane): void => {
    if (lane.hasTurn || lane.waiting.length === 0) return;
    if (lane.running >= limitOf(lane)) {
      held.add(lane);
      return;
    }
    held.delete(lane);
    lane.hasTurn = true;
    turns.push(lane);
  };
  /** A lane with nothing left goes; the others' equal share grows, so the held ones may start one more. */
  const dropIfEmpty = (lane: Lane): void => {
    if (lane.running > 0 || lane.waiting.length > 0 || lanes.get(lane.key) !== lane) return;
    lanes.delete(lane.key);
    held.delete(lane);
    for (const other of [...held]) offerTurn(other);
  };
  const settle = (item: WorkItem): void => {
    done.get(item.id)?.resolve();
    done.delete(item.id);
  };

  /** Room: the lane's free slots (those items start at once), then maxWaiting. */
  const isFull = (lane: Lane): boolean => lane.waiting.length >= Math.max(0, laneLimit(lane.key) - lane.running) + maxWaiting;
  const saturated = (lane: Lane): boolean => lane.waiting.length >= limitOf(lane);
  /** A lane that spilled and now waits on fewer than its limit asks for more. */
  const checkRoom = (key: string): void => {
    const version = spills.get(key);
    if (version === undefined || !options.onRoom) return;
    const lane = lanes.get(key);
    if (!lane || !saturated(lane)) options.onRoom(key, version);
  };
  const markSpilled = (key: string): void => {
    spills.set(key, (spills.get(key) ?? 0) + 1);
    checkRoom(key);
  };

  /** The item's lane slot and global slot go back; its lane may start another. */
  const leave = (lane: Lane): void => {
    running -= 1;
    lane.running -= 1;
    lane.movedAt = Date.now();
    offerTurn(lane);
  };

  const start = (lane: Lane, item: WorkItem): void => {
    running += 1;
    lane.running += 1;
    let isSent = false;
    const sent = (): void => {
      if (isSent) return;
      isSent = true;
      finishing += 1;
      leave(lane);
      dropIfEmpty(lane);
      pump();
    };
    void options.work(item, sent).finally(() => {
      if (isSent) finishing -= 1;
      else leave(lane);
      isSent = true;
      settle(item);
      dropIfEmpty(lane);
      pump();
      checkRoom(lane.key);
    });
  };

  const pump = (): void => {
    while (running < concurrency && finishing < concurrency && turns.length > 0) {
      const lane = turns.shift() as Lane;
      lane.hasTurn = false;
      if (lane.waiting.length === 0 || lane.running >= limitOf(lane)) {
        offerTurn(lane); // its share shrank meanwhile: held until a slot of its own frees
        continue;
      }
      start(lane, lane.waiting.shift() as WorkItem);
      offerTurn(lane);
    }
    if (running === 0 && done.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  /** Queues new items; answers those their lane had no room for. */
  const admit = (items: Iterable<WorkItem>): WorkItem[] => {
    const overflow: WorkItem[] = [];
    for (const item of items) {
      if (done.has(item.id)) continue;
      let resolve!: () => void;
      const promise = new Promise<void>((settled) => (resolve = settled));
      done.set(item.id, { lane: item.lane, promise, resolve });
      let lane = lanes.get(item.lane);
      if (!lane) lanes.set(item.lane, (lane = { key: item.lane, waiting: [], running: 0, hasTurn: false, movedAt: Date.now() }));
      if (isFull(lane)) overflow.push(item);
      else lane.waiting.push(item);
      offerTurn(lane);
    }
    for (const item of overflow) {
      const lane = lanes.get(item.lane);
      if (lane) dropIfEmpty(lane);
    }
    return overflow;
  };

  const push = (items: Iterable<WorkItem>): void => {
    const overflow = admit(items);
    pump();
    if (overflow.length === 0) return;
    void options.release(overflow).finally(() => {
      for (const item of overflow) settle(item);
      pump(); // reports idle if that was all
      // Only now are the items due in the database (a fresh one's claim was just released).
      for (const key of new Set(overflow.map((item) => item.lane))) markSpilled(key);
    });
  };

  return {
    push,
    run(item) {
      push([item]);
      return done.get(item.id)?.promise ?? Promise.resolve();
    },
    has: (id) => done.has(id),
    laneOf: (id) => done.get(id)?.lane,
    saturatedLanes: () => [...lanes.values()].filter(saturated).map((lane) => lane.key),
    get size() {
      return done.size;
    },
    idle: () => (done.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    stalled(key, forMs) {
      const lane = lanes.get(key);
      return lane !== undefined && isFull(lane) && Date.now() - lane.movedAt >= forMs;
    },
    spilled: markSpilled,
    drained(lane, version) {
      if (spills.get(lane) === version) spills.delete(lane);
      else checkRoom(lane);
    },
    recheck: checkRoom,
  };
}
