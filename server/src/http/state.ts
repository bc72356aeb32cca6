import type { Logger } from 'pino';

declare module 'koa' {
  interface DefaultState {
    /** Set by requestContext on every request. */
    requestId: string;
    log: Logger;
  }
}
