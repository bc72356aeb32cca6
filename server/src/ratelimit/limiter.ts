import type { Connection } from 'mongoose';
import { createTicketChains, type ChainView } from './chain.js';
import { createKeyedQueue } from './queue.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

export interface RateLimiterOptions extends RateLimitOptions {
  /** Epoch milliseconds now (tests move it instead of waiting a window). */
  clock?: () => number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a request slot frees up (the Retry-After when refused). */
  resetSeconds: number;
}

const MAX_ATTEMPTS = 50;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * An exact sliding-window limiter in MongoDB, shared by every process. Each admitted
 * request takes the next ticket of its key (`<key>#<n>`); ticket n may be taken only
 * when ticket n − max is older than the window, so no window ever holds more than
 * `max` tickets. Refused requests write nothing.
 *
 * Taking a ticket is an insert under a unique `_id`, the one operation FerretDB 1.x
 * makes atomic: its conditional updates and `$inc` are not (concurrent callers can
 * all "win"), and it ignores `$push` `$slice`, so counters or capped arrays over-admit.
 * Everything is read by `_id` (see chain.ts). Requests of one key wait for each other
 * within a process, so only other processes contend for a ticket; this process's view of
 * each key carries the next number and the times `Remaining` is counted from.
 */
export function createRateLimiter(connection: Connection, { max, windowMs, clock = Date.now }: RateLimiterOptions) {
  const chains = createTicketChains(connection, { windowMs, storeEvery: max });
  const views = new Map<string, ChainView>();
  const queue = createKeyedQueue();
  const refused = (resetMs: number): RateLimitDecision => ({ allowed: false, limit: max, remaining: 0, resetSeconds: seconds(resetMs) });

  /** This process's view of `key`, trusted while its head is in the window (the sweep cannot have removed it). */
  async function viewOf(key: string): Promise<ChainView> {
    const known = views.get(key);
    if (known && known.headAt > clock() - windowMs) return known;
    const located = await chains.locate(key, clock() - windowMs);
    views.set(key, located);
    return located;
  }

  /** The first of tickets lo…hi still inside the window (hi is): a gallop up from lo, then halving. */
  async function firstInside(view: ChainView, lo: number, hi: number, cutoff: number): Promise<number> {
    const inside = async (n: number) => ((await chains.timeOf(view, n)) ?? -Infinity) > cutoff;
    if (lo >= hi || (await inside(lo))) return Math.min(lo, hi);
    if (!(await inside(hi - 1))) return hi;
    let outside = lo;
    let found = hi - 1;
    for (let step = 1; outside + step < found; step *= 2) {
      if (await inside(outside + step)) found = outside + step;
      else outside += step;
    }
    while (found - outside > 1) {
      const middle = Math.floor((outside + found) / 2);
      if (await inside(middle)) found = middle;
      else outside = middle;
    }
    return found;
  }

  /** Raises the view's floor to `first`, dropping the times of tickets below it. */
  function forgetBelow(view: ChainView, first: number): void {
    if (first - view.floor <= view.times.size) {
      for (let n = view.floor; n < first; n++) view.times.delete(n);
    } else {
      for (const n of view.times.keys()) if (n < first) view.times.delete(n);
    }
    view.floor = first;
  }

  /** Counts the window after ticket n was taken at `now`; forgets the times that left it. */
  async function admitted(view: ChainView, n: number, now: number): Promise<RateLimitDecision> {
    const first = await firstInside(view, Math.max(view.floor, n - max + 1), n, now - windowMs);
    forgetBelow(view, first);
    await chains.storeHead(view, now);
    const firstAt = view.times.get(first) ?? now;
    return { allowed: true, limit: max, remaining: max - (n - first + 1), resetSeconds: seconds(firstAt + windowMs - now) };
  }

  async function attempt(view: ChainView): Promise<RateLimitDecision | 'taken'> {
    const n = view.head + 1;
    const now = Math.max(clock(), view.headAt);
    const cutoff = now - windowMs;
    const boundary = n - max;
    if (boundary >= view.floor) {
      const cached = view.times.get(boundary);
      // A boundary known to be out stays out; one that would refuse is read again first.
      const at = cached !== undefined && cached <= cutoff ? cached : await chains.fresh(view, boundary);
      if (at !== null && at > cutoff) return refused(at + windowMs - now);
    }
    if (await chains.take(view, n, now)) return admitted(view, n, now);
    await chains.advance(view, n); // another process took n: move to its newest ticket
    return 'taken';
  }

  return {
    hit(key: string): Promise<RateLimitDecision> {
      return queue.run(key, async () => {
        const view = await viewOf(key);
        for (let i = 0; i < MAX_ATTEMPTS; i++) {
          const decision = await attempt(view);
          if (decision !== 'taken') return decision;
        }
        // Other processes kept taking this key's tickets first: ask this request to retry.
        return refused(1000);
      });
    },

    /**
     * Deletes tickets that left the window at least a window ago (keeping each key's
     * head, see chain.ts), and forgets views of keys idle for a window. The extra window
     * keeps a ticket around while any view that trusts it could still number after it.
     */
    async sweep(now = clock()): Promise<number> {
      for (const [key, view] of views) if (view.headAt <= now - windowMs) views.delete(key);
      return chains.sweep(now);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
