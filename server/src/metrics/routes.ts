import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppDeps } from '../http/deps.js';
import { internalTokenAuth } from '../internal/auth.js';
import { refreshDatabaseGauges } from './database-gauges.js';
import type { Metrics } from './metrics.js';

/** `GET /metrics`: Prometheus text format, behind the internal token (operators only: it reveals volumes). */
export function metricsRouter(deps: Pick<AppDeps, 'metrics' | 'connection' | 'agenda'>, internalToken: string): Router {
  const router = new Router();
  router.get('/metrics', internalTokenAuth(internalToken), async (ctx) => {
    await refreshDatabaseGauges(deps.metrics, deps.connection, deps.agenda);
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}

/** Counts every answer by method, route pattern (never the raw path: ids would explode the label set) and status. */
export function countRequests(metrics: Metrics): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute;
      metrics.httpRequests.inc({ method: ctx.method, route: typeof route === 'string' ? route : 'unmatched', status: String(ctx.status) });
    }
  };
}
