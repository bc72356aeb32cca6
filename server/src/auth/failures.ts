import type { Middleware } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { TooManyAuthFailuresError, UnauthorizedError } from '../http/errors.js';

/**
 * Counts failed authentications per client address. An interface so that a limiter shared
 * by every process (on the database) can replace the in-process one without touching the
 * middleware.
 */
export interface AuthFailureLimiter {
  /** Whole seconds until `address` may try again; 0 when it may now. */
  retryAfterSeconds(address: string): Promise<number>;
  /** Counts one failed authentication from `address`. */
  recordFailure(address: string): Promise<void>;
}

export interface AuthFailureLimits {
  /** Failed authentications allowed per address and window. */
  max: number;
  windowSeconds: number;
}

/**
 * The in-process limiter (rate-limiter-flexible's memory store, fixed windows). Each
 * process counts on its own, so with N API processes an address gets at most N × max
 * failures per window before every process refuses it.
 */
export function createMemoryAuthFailureLimiter({ max, windowSeconds }: AuthFailureLimits): AuthFailureLimiter {
  const limiter = new RateLimiterMemory({ keyPrefix: 'auth-failures', points: max, duration: windowSeconds });
  return {
    async retryAfterSeconds(address) {
      const state = await limiter.get(address);
      return state && state.consumedPoints >= max ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
    },
    async recordFailure(address) {
      await limiter.penalty(address, 1);
    },
  };
}

/**
 * Guards an API's authentication: an address with too many recent failures is answered
 * 429 with Retry-After before its credential is even looked at (valid or not: a guesser
 * must not learn which guesses were right), and every 401 behind this guard counts as a
 * failure of the address that caused it.
 */
export function limitAuthFailures(limiter: AuthFailureLimiter): Middleware {
  return async (ctx, next) => {
    const retryAfter = await limiter.retryAfterSeconds(ctx.ip);
    if (retryAfter > 0) throw new TooManyAuthFailuresError(retryAfter);
    try {
      await next();
    } catch (error) {
      if (error instanceof UnauthorizedError) await limiter.recordFailure(ctx.ip);
      throw error;
    }
  };
}
