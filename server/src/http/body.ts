import coBody from 'co-body';
import type { Middleware } from 'koa';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';
import { checkJsonShape } from './json-shape.js';

const LIMIT = '1mb';
/** Far deeper than any body of this API needs; far below what the recursive code that walks a body (drivers, serialisers) survives. */
export const MAX_JSON_DEPTH = 32;
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Requests with a body must send JSON (415 otherwise); a body may be empty. */
export function requireJson(): Middleware {
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    if (WITH_BODY.has(ctx.method) && hasBody && !ctx.request.is('application/json', '+json')) {
      throw new UnsupportedMediaTypeError();
    }
    await next();
  };
}

/**
 * Parses JSON bodies (co-body) into `ctx.request.body`: larger than 1 MB is 413,
 * unparsable or not an object or array is 400, and so is a body nested deeper than
 * MAX_JSON_DEPTH or carrying a `__proto__` key — refused here, once, so that nothing
 * after the parser (the idempotency fingerprint, validation, the database driver) ever
 * walks an unbounded or prototype-poisoning value.
 */
export function jsonBody(): Middleware {
  return async (ctx, next) => {
    if (!WITH_BODY.has(ctx.method)) return next();
    if (!ctx.request.is('application/json', '+json')) {
      ctx.request.body = {};
      return next();
    }
    let body: unknown;
    try {
      // __proto__ is let through the parser (as a plain own key) so checkJsonShape can name where it is.
      body = await coBody.json(ctx, { limit: LIMIT, strict: true, onProtoPoisoning: 'ignore' } as coBody.Options);
    } catch (error) {
      if ((error as { status?: number }).status === 413) throw new PayloadTooLargeError(LIMIT);
      throw new MalformedJsonError();
    }
    checkJsonShape(body, MAX_JSON_DEPTH);
    ctx.request.body = body;
    await next();
  };
}
