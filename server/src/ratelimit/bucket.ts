import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { rateLimitBucketModel, type RateLimitBucketDoc } from './model.js';
import { isDuplicateKey } from '../db/errors.js';


/** What one key's bucket says at a moment: how many requests the window counts, and when slots free. */
export interface WindowView {
  /** Requests the window counts (times after `now - windowMs`, future-dated ones included). */
  inside: number;
  /** When the oldest counted request leaves the window (epoch ms; `now` when none is counted). */
  oldestLeavesAt: number;
  /** When the window next has room for one request (`now` when it has room already). */
  roomAt: number;
}

/** Reads a bucket's times (newest first) as of `now`. */
export function viewOf(times: readonly number[], now: number, { max, windowMs }: { max: number; windowMs: number }): WindowView {
  let inside = 0;
  while (inside < times.length && times[inside]! > now - windowMs) inside++;
  return {
    inside,
    oldestLeavesAt: inside > 0 ? times[inside - 1]! + windowMs : now,
    roomAt: inside >= max ? times[max - 1]! + windowMs : now,
  };
}

/**
 * The shared half of the limiter: one bucket per key in MongoDB. `reserve` is the only
 * write, one conditional upsert: it pushes `k` copies of `stamp` (keeping the newest
 * `max`, newest first) only while the window has room for `k`, i.e. the time at index
 * `max - k` is absent or outside the window. When it is not, the upsert collides with the
 * existing bucket on `_id` and nothing is written.
 */
export function rateLimitBuckets(connection: Connection, { max, windowMs }: { max: number; windowMs: number }) {
  const Buckets = rateLimitBucketModel(connection);
  // The driver's collection: the filter below is not one mongoose's casting understands.
  const buckets = Buckets.collection as unknown as Collection<RateLimitBucketDoc>;
  return {
    /** The bucket's times after the reservation, or null when the window had no room for `k` at `now`. */
    async reserve(key: string, k: number, now: number, stamp: number): Promise<number[] | null> {
      const slot = `times.${max - k}`;
      const roomForK = [{ [slot]: { $exists: false } }, { [slot]: { $lte: now - windowMs } }];
      try {
        const bucket = await buckets.findOneAndUpdate(
          { _id: key, $or: roomForK },
          // $max: a later stamp another process wrote keeps the bucket from the sweep.
          { $push: { times: { $each: Array<number>(k).fill(stamp), $sort: -1, $slice: max } }, $max: { expiresAt: new Date(stamp + windowMs) } },
          { upsert: true, returnDocument: 'after', projection: { times: 1 } },
        );
        return bucket?.times ?? Array<number>(k).fill(stamp);
      } catch (error) {
        if (isDuplicateKey(error)) return null;
        throw error;
      }
    },

    /** The bucket's times, or null when the key has none. */
    async read(key: string): Promise<number[] | null> {
      return (await buckets.findOne({ _id: key }, { projection: { times: 1 } }))?.times ?? null;
    },

    /** Deletes the buckets whose every time has left the window. */
    async sweep(now: number): Promise<number> {
      return (await Buckets.deleteMany({ expiresAt: { $lt: new Date(now) } })).deletedCount;
    },
  };
}
