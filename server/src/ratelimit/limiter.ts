import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { rateLimitHitModel } from './model.js';

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

/**
 * A sliding-log limiter in MongoDB, so every process shares one count per key. Each
 * request inserts its hit, then counts the key's hits in the window that come before
 * it (by time, then id): it is admitted when fewer than `max` do, otherwise its hit is
 * deleted again so refused requests never prolong the wait.
 *
 * Only inserts, counts and deletes are used: FerretDB 1.x applies concurrent updates
 * of one document without isolation (concurrent `$inc`s get lost) and ignores `$push`
 * `$slice`, so a counter or capped-array design over-admits there. This design never
 * under-admits; two requests racing within the same instant may both pass at the edge.
 */
export function createRateLimiter(connection: Connection, { max, windowMs }: RateLimitOptions) {
  const Hits = rateLimitHitModel(connection);

  async function resetSeconds(key: string, now: number): Promise<number> {
    const oldest = await Hits.findOne({ key, at: { $gt: now - windowMs } }, { at: 1 }).sort({ at: 1, _id: 1 }).lean();
    return Math.max(1, Math.ceil(((oldest?.at ?? now) + windowMs - now) / 1000));
  }

  return {
    async hit(key: string, now = Date.now()): Promise<RateLimitDecision> {
      const id = `${now.toString(36)}_${randomBytes(8).toString('hex')}`;
      await Hits.create({ _id: id, key, at: now, expiresAt: new Date(now + windowMs) });
      const before = await Hits.countDocuments({
        key,
        at: { $gt: now - windowMs },
        $or: [{ at: { $lt: now } }, { at: now, _id: { $lt: id } }],
      });
      const allowed = before < max;
      if (!allowed) await Hits.deleteOne({ _id: id });
      return { allowed, limit: max, remaining: Math.max(0, max - before - 1), resetSeconds: await resetSeconds(key, now) };
    },

    /** Deletes hits that have left the window. */
    async sweep(now = Date.now()): Promise<number> {
      return (await Hits.deleteMany({ expiresAt: { $lt: new Date(now) } })).deletedCount;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
