import type { Connection } from 'mongoose';
import { rateLimitTicketModel } from './model.js';

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

const MAX_ATTEMPTS = 50;
const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
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
 */
export function createRateLimiter(connection: Connection, { max, windowMs }: RateLimitOptions) {
  const Tickets = rateLimitTicketModel(connection);
  const ticketId = (key: string, n: number) => `${key}#${n}`;

  /** Remaining requests and reset time once ticket `n` is taken (tickets are ordered by time). */
  async function afterAdmission(key: string, n: number, now: number): Promise<RateLimitDecision> {
    const oldest = await Tickets.findOne({ key, at: { $gt: now - windowMs } }, { n: 1, at: 1 }).sort({ at: 1, n: 1 }).lean();
    const inWindow = oldest ? n - oldest.n + 1 : 1;
    return { allowed: true, limit: max, remaining: Math.max(0, max - inWindow), resetSeconds: seconds((oldest?.at ?? now) + windowMs - now) };
  }

  async function attempt(key: string): Promise<RateLimitDecision | 'contended'> {
    const latest = await Tickets.findOne({ key }, { n: 1, at: 1 }).sort({ n: -1 }).lean();
    const n = (latest?.n ?? 0) + 1;
    const now = Math.max(Date.now(), latest?.at ?? 0);
    const boundary = n > max ? await Tickets.findById(ticketId(key, n - max), { at: 1 }).lean() : null;
    if (boundary && boundary.at > now - windowMs) {
      return { allowed: false, limit: max, remaining: 0, resetSeconds: seconds(boundary.at + windowMs - now) };
    }
    try {
      await Tickets.create({ _id: ticketId(key, n), key, n, at: now, expiresAt: new Date(now + windowMs) });
    } catch (error) {
      if (isDuplicateKey(error)) return 'contended'; // another request took ticket n: look again
      throw error;
    }
    return afterAdmission(key, n, now);
  }

  return {
    async hit(key: string): Promise<RateLimitDecision> {
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        const decision = await attempt(key);
        if (decision !== 'contended') return decision;
      }
      // Dozens of requests of one key raced for the same tickets: ask this one to retry.
      return { allowed: false, limit: max, remaining: 0, resetSeconds: 1 };
    },

    /**
     * Deletes tickets that left the window at least a window ago. The extra window keeps
     * a key's latest ticket around while any request could still be numbering after it.
     */
    async sweep(now = Date.now()): Promise<number> {
      return (await Tickets.deleteMany({ expiresAt: { $lt: new Date(now - windowMs) } })).deletedCount;
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
