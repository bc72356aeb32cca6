import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { bearerToken } from '../auth/middleware.js';
import { UnauthorizedError } from '../http/errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Admits requests bearing the internal API token. Both sides are hashed first so the
 * timing-safe comparison always sees equal lengths and leaks nothing about the token's.
 */
export function internalTokenAuth(token: string): Middleware {
  const expected = digest(token);
  return async (ctx, next) => {
    const presented = bearerToken(ctx);
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new UnauthorizedError('The internal API needs "Authorization: Bearer <INTERNAL_API_TOKEN>".', 'invalid_internal_token');
    }
    await next();
  };
}
