import type { Middleware } from 'koa';
import { ApiError } from './errors.js';

/** Maps thrown errors to the JSON error body; unknown errors are logged and answered as a bare 500. */
export function errorMiddleware(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof ApiError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
        return;
      }
      ctx.state.log?.error({ err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal_error', message: `Something went wrong on our side. Quote request id ${ctx.state.requestId} if you contact support.` } };
    }
  };
}
