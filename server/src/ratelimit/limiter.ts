import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import { rateLimitBuckets, viewOf } from './bucket.js';

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
  /** When it was decided (epoch ms, the limiter's clock): an admitted request counts from then. */
  at: number;
}

/** Failed reservations in a row (racing processes, a round trip slower than a block) before a request is refused for a second. */
const MAX_ATTEMPTS = 5;
/**
 * The most permits one block holds (and never more than an eighth of the limit, or half the
 * room left). What it bounds is the size of one update (k copies of a time), not fairness
 * between processes (the eighth and the half do that). Measured 2026-12-06 on one key at
 * 10,000 per second: with 64, a key served at 3,500 req/s needed ~55 reservations a second,
 * each rewriting and returning a bucket of 10,000 times while the key's requests waited; the
 * authenticated, database-free `GET /triggers/samples` went from 3,532 to 6,024 req/s with
 * 1,024 (and 6,731 with no limiter at all).
 */
const MAX_BLOCK = 1024;
/** How long a block serves requests, at least (longer when round trips are slow; at most a quarter of the window). */
const BLOCK_MS = 250;
/** Keys whose blocks and refusals one process remembers (the least recently used go first). */
const MAX_KEYS = 10_000;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** What one process knows of one key. */
interface KeyState {
  /** Permits in the latest block (0: none yet) and, of those, not handed out yet. */
  size: number;
  left: number;
  /** The block serves until then: its permits are counted in the bucket at this time. */
  validUntil: number;
  /** Room the shared window had right after the block, and when its oldest counted request leaves. */
  room: number;
  oldestLeavesAt: number;
  /** The shared window has no room before then: refuse without asking the database. */
  refusedUntil: number;
  /** The reservation in flight, which this key's other requests wait for. */
  pending?: Promise<unknown>;
}

/**
 * An exact-or-conservative sliding-window limiter shared by every process through one
 * MongoDB bucket per key (bucket.ts), at well under one database command per request on
 * a busy key:
 *
 * - A process reserves a **block** of k permits in one conditional update and serves the
 *   key's next requests from memory until the block is used up or its time is over. k is
 *   1 for a cold key (one command per request), doubles while blocks are used up in time,
 *   falls to what a block served when it expires with permits left, and is capped at
 *   `MAX_BLOCK`, an eighth of `max` and half the room the window had left. Unused permits
 *   are forfeited.
 * - A refusal is remembered until the window next has room: a key over its limit costs no
 *   command per refused request.
 *
 * Why no window (s − W, s] ever sees more than `max` requests let through (at their
 * decision time d, `at`), however many processes share the key. A reservation checks, as of
 * its `now`, that at most max − k times in the bucket are after now − W (the time at index
 * max − k, newest first, is absent or not after it) and atomically pushes k copies of
 * v = now + horizon. A request is let through only on a permit whose reservation checked at
 * now ≤ d and whose time is v ≥ d (the block serves until v, its requester included). Take
 * the requests let through in (s − W, s] and, among their reservations, the one written
 * last, R (k permits, checked at now_R ≤ s). Every other of their permits was written
 * before R with a time v ≥ d > s − W ≥ now_R − W, so R's check counted it: at most max − k of
 * them, plus R's k, is max. The `$slice` that keeps the newest `max` changes no check: a
 * dropped time is older than the time at index max − k, so it is counted only when that
 * one is and the check fails anyway. Conservative parts: a permit counts until its block's
 * end (a horizon of 250 ms or more) even when used earlier or never. Clocks of processes
 * are assumed to agree (NTP): a skew of e ms can let a window see e ms more of requests.
 */
export function createRateLimiter(connection: Connection, { max, windowMs, clock = Date.now }: RateLimiterOptions) {
  const buckets = rateLimitBuckets(connection, { max, windowMs });
  const cap = Math.max(1, Math.min(MAX_BLOCK, Math.floor(max / 8)));
  const states = new LRUCache<string, KeyState>({ max: MAX_KEYS });
  let roundTripMs = 0; // the slowest recent reservation round trip (a maximum that decays)
  /** How long a new block serves: long enough that its reply comes well before its end. */
  const horizon = () => Math.min(windowMs / 4, Math.max(BLOCK_MS, 3 * roundTripMs));

  const admitted = (state: KeyState, at: number): RateLimitDecision => ({
    allowed: true, limit: max, remaining: state.room + state.left, resetSeconds: seconds(state.oldestLeavesAt - at), at,
  });
  const refused = (state: KeyState, at: number): RateLimitDecision => ({ allowed: false, limit: max, remaining: 0, resetSeconds: seconds(state.refusedUntil - at), at });

  /** The next block's size: grows while blocks run out in time, shrinks to what an expired one served. */
  function nextSize(state: KeyState, now: number): number {
    if (state.size === 0) return 1;
    if (now <= state.validUntil) return Math.max(1, Math.min(state.size * 2, cap, Math.ceil(state.room / 2)));
    return Math.max(1, Math.min(state.size - state.left, cap));
  }

  /** Reserves a block (and takes one of its permits for the request), or refuses the request. */
  async function takeBlock(key: string, state: KeyState): Promise<RateLimitDecision> {
    let size = nextSize(state, clock());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = clock();
      const validUntil = now + horizon();
      const times = await buckets.reserve(key, size, now, validUntil);
      const at = clock();
      roundTripMs = Math.max(at - now, roundTripMs * 0.9);
      if (times) {
        const view = viewOf(times, now, { max, windowMs });
        Object.assign(state, { size, left: size, validUntil, room: max - view.inside, oldestLeavesAt: view.oldestLeavesAt, refusedUntil: 0 });
        if (at > validUntil) continue; // the reply came after the block's end: its permits are forfeited
        state.left--;
        return admitted(state, at);
      }
      const current = await buckets.read(key);
      const view = current && viewOf(current, clock(), { max, windowMs });
      if (view && view.inside >= max) {
        state.refusedUntil = view.roomAt;
        return refused(state, clock());
      }
      size = Math.max(1, Math.min(size, max - (view?.inside ?? 0))); // no bucket: a racing first request is creating it
    }
    return { allowed: false, limit: max, remaining: 0, resetSeconds: 1, at: clock() };
  }

  return {
    async hit(key: string): Promise<RateLimitDecision> {
      let state = states.get(key);
      if (!state) states.set(key, (state = { size: 0, left: 0, validUntil: 0, room: max, oldestLeavesAt: 0, refusedUntil: 0 }));
      for (;;) {
        const now = clock();
        if (now < state.refusedUntil) return refused(state, now);
        if (state.left > 0 && now <= state.validUntil) {
          state.left--;
          return admitted(state, now);
        }
        if (!state.pending) break;
        await state.pending;
      }
      const current = state;
      const work = takeBlock(key, current).finally(() => (current.pending = undefined));
      current.pending = work.catch(() => undefined);
      return work;
    },

    /** Deletes the buckets of keys idle for a whole window. */
    async sweep(now = clock()): Promise<number> {
      return buckets.sweep(now);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
