import type { Logger } from 'pino';
import type { ApiKeyAuth } from '../auth/middleware.js';

declare module 'koa' {
  interface DefaultState {
    /** Set by requestContext on every request. */
    requestId: string;
    log: Logger;
    /** Set by apiKeyAuth on the public API; absent elsewhere. */
    auth?: ApiKeyAuth;
  }

  interface Request {
    /** The parsed JSON body of a POST, PUT or PATCH (http/body.ts); `{}` when it sent none. */
    body?: unknown;
  }
}
