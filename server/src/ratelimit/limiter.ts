import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { rateLimitBucketModel, type RateLimitBucketDoc } from './model.js';

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

const DUPLICATE_KEY = 11000;
/** Two first requests of a key racing to create its bucket: the loser tries again, a few times at most. */
const MAX_ATTEMPTS = 5;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * An exact sliding-window limiter in MongoDB, shared by every process, in one atomic
 * command per admitted request: a conditional upsert that pushes the request's time into
 * the key's bucket (keeping the newest `max`, sorted) only while the window has room. When
 * it has none the condition fails, the upsert collides with the existing bucket on `_id`,
 * and one read of the bucket tells when a slot frees up. Refused requests write nothing.
 */
export function createRateLimiter(connection: Connection, { max, windowMs, clock = Date.now }: RateLimiterOptions) {
  const Buckets = rateLimitBucketModel(connection);
  // The driver's collection: the filter below is not one mongoose's casting understands.
  const buckets = Buckets.collection as unknown as Collection<RateLimitBucketDoc>;

  const admitted = (hits: number[], now: number): RateLimitDecision => {
    const inside = hits.filter((at) => at > now - windowMs);
    return { allowed: true, limit: max, remaining: max - inside.length, resetSeconds: seconds((inside[0] ?? now) + windowMs - now) };
  };

  /** Admits the request (the bucket after it), or null when the window is full. */
  async function take(key: string, now: number): Promise<number[] | null> {
    const roomLeft = [{ [`hits.${max - 1}`]: { $exists: false } }, { 'hits.0': { $lte: now - windowMs } }];
    try {
      const bucket = await buckets.findOneAndUpdate(
        { _id: key, $or: roomLeft },
        { $push: { hits: { $each: [now], $sort: 1, $slice: -max } }, $set: { expiresAt: new Date(now + windowMs) } },
        { upsert: true, returnDocument: 'after', projection: { hits: 1 } },
      );
      return bucket?.hits ?? [now];
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  return {
    async hit(key: string): Promise<RateLimitDecision> {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const now = clock();
        const hits = await take(key, now);
        if (hits) return admitted(hits, now);
        const bucket = await buckets.findOne({ _id: key }, { projection: { hits: 1 } });
        const oldest = bucket?.hits[0];
        // Full: the oldest kept request is inside the window (else the bucket was just created by a racing request).
        if (bucket && bucket.hits.length >= max && oldest !== undefined && oldest > now - windowMs) {
          return { allowed: false, limit: max, remaining: 0, resetSeconds: seconds(oldest + windowMs - now) };
        }
      }
      return { allowed: false, limit: max, remaining: 0, resetSeconds: 1 };
    },

    /** Deletes the buckets of keys idle for a whole window. */
    async sweep(now = clock()): Promise<number> {
      return (await Buckets.deleteMany({ expiresAt: { $lt: new Date(now) } })).deletedCount;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
