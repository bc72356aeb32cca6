import type { Middleware } from 'koa';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { authOf } from '../auth/middleware.js';
import { RateLimitedError } from '../http/errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { createRateLimiter, type RateLimitOptions } from './limiter.js';

const SWEEP_EVERY_MS = 60_000;

/**
 * Per-API-key rate limit (after auth): `RateLimit-*` headers on every answer, 429 with
 * `Retry-After` over the limit. Idle buckets are swept at most once a minute per
 * process (the embedded database has no TTL indexes).
 */
export function rateLimit({ connection, logger, metrics, ...options }: RateLimitOptions & { connection: Connection; logger: Logger; metrics: Metrics }): Middleware {
  const limiter = createRateLimiter(connection, options);
  let lastSweep = 0;
  return async (ctx, next) => {
    const decision = await limiter.hit(authOf(ctx).apiKeyId);
    ctx.set({
      'RateLimit-Limit': String(decision.limit),
      'RateLimit-Remaining': String(decision.remaining),
      'RateLimit-Reset': String(decision.resetSeconds),
    });
    if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      limiter.sweep().catch((err: unknown) => logger.warn({ err }, 'rate-limit sweep failed'));
    }
    if (!decision.allowed) {
      metrics.rateLimited.inc();
      throw new RateLimitedError(decision.resetSeconds);
    }
    await next();
  };
}
