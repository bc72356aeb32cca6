import type { Connection } from 'mongoose';
import { rateLimitBucketModel } from './model.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a request slot frees up (the Retry-After when refused). */
  resetSeconds: number;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * A sliding-log limiter in MongoDB, so every process shares one count per key. Each
 * bucket keeps the timestamps of the last `max` admitted requests; a request is
 * admitted — and its timestamp pushed, trimming the log to `max` — by one atomic
 * conditional update that matches only while the log is not full or its oldest entry
 * has left the window. Refused requests write nothing, so they do not extend the wait.
 */
export function createRateLimiter(connection: Connection, { max, windowMs }: RateLimitOptions) {
  const Buckets = rateLimitBucketModel(connection);

  async function admit(key: string, now: number) {
    const roomLeft = { $or: [{ [`hits.${max - 1}`]: { $exists: false } }, { 'hits.0': { $lte: now - windowMs } }] };
    return Buckets.findOneAndUpdate(
      { _id: key, ...roomLeft },
      { $push: { hits: { $each: [now], $slice: -max } }, $set: { expiresAt: new Date(now + windowMs) } },
      { returnDocument: 'after' },
    ).lean();
  }

  function decide(hits: number[], now: number, allowed: boolean): RateLimitDecision {
    const inWindow = hits.filter((hit) => hit > now - windowMs);
    const oldest = inWindow[0] ?? now;
    return {
      allowed,
      limit: max,
      remaining: Math.max(0, max - inWindow.length),
      resetSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
    };
  }

  return {
    async hit(key: string, now = Date.now()): Promise<RateLimitDecision> {
      const admitted = await admit(key, now);
      if (admitted) return decide(admitted.hits, now, true);
      try {
        await Buckets.create({ _id: key, hits: [now], expiresAt: new Date(now + windowMs) });
        return decide([now], now, true);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // The bucket exists: either it is full, or another request created it a moment ago.
      const retried = await admit(key, now);
      if (retried) return decide(retried.hits, now, true);
      const bucket = await Buckets.findById(key).lean();
      return decide(bucket?.hits ?? [], now, false);
    },

    /** Deletes buckets whose whole log has left the window. */
    async sweep(now = Date.now()): Promise<number> {
      return (await Buckets.deleteMany({ expiresAt: { $lt: new Date(now) } })).deletedCount;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
