import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';

const LIMIT = '1mb';
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

/** Parses JSON bodies up to 1 MB: larger is 413, unparsable is 400. `ctx.request.rawBody` keeps the text. */
export function jsonBody(): Middleware {
  return bodyParser({
    enableTypes: ['json'],
    jsonLimit: LIMIT,
    onError: (error) => {
      if ((error as { status?: number }).status === 413) throw new PayloadTooLargeError(LIMIT);
      throw new MalformedJsonError();
    },
  });
}
