import Koa from 'koa';
import Router from '@koa/router';
import cors from '@koa/cors';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { RuntimeConfig } from './config.js';
import './http/state.js';
import { requestContext } from './http/request-context.js';
import { errorMiddleware } from './http/error-middleware.js';
import { jsonBody, requireJson } from './http/body.js';
import { NotFoundError } from './http/errors.js';
import { healthRouter } from './health/routes.js';
import type { EventPublisher } from './events/publisher.js';

/** What the app needs from the outside world; main.ts and the tests provide it. */
export interface AppDeps {
  connection: Connection;
  agenda: Agenda;
  logger: Logger;
  /** The one way to emit an event (stores it, then fans it out to subscriptions). */
  events: EventPublisher;
  /** True once the scheduler has started (or, for an API-only process, is connected). */
  isSchedulerReady: () => boolean;
}

export interface CreateAppOptions {
  config: RuntimeConfig;
  deps: AppDeps;
}

const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'];
const CORS_EXPOSED_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Idempotent-Replayed',
  'X-Request-Id',
];

/** Builds the Koa app: the middleware pipeline, then every concept's router. */
export function createApp({ deps }: CreateAppOptions): Koa {
  const app = new Koa();
  app.silent = true; // errors are logged by errorMiddleware with their request id
  app.use(requestContext(deps.logger));
  app.use(cors({ allowHeaders: CORS_ALLOWED_HEADERS, exposeHeaders: CORS_EXPOSED_HEADERS, maxAge: 600 }));
  app.use(errorMiddleware());
  app.use(requireJson());
  app.use(jsonBody());

  const routers: Router[] = [healthRouter(deps)];
  for (const router of routers) app.use(router.routes());

  app.use((ctx) => {
    throw new NotFoundError(`${ctx.method} ${ctx.path}`, 'route_not_found');
  });
  return app;
}
