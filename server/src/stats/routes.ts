import Router from '@koa/router';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { createHookService } from '../hooks/service.js';
import { parseQuery } from '../http/validate.js';
import { documentPublic, IdParam, jsonResponse, notFound } from '../openapi/registry.js';
import { HookStatsOut, OverviewStatsOut, StatsRangeQuery } from './schema.js';
import { createStatsService } from './service.js';

/** Aggregated delivery statistics: what the portal's overview and charts read. */
export function statsRouter({ config, deps }: RouteFactoryOptions): Router {
  const hooks = createHookService({ connection: deps.connection, config, events: deps.events, deliveries: deps.deliveries });
  const stats = createStatsService(deps.connection);
  const router = new Router();
  router.get('/hooks/:id/stats', async (ctx) => {
    const hook = await hooks.find(authOf(ctx).workspaceId, ctx.params.id as string);
    ctx.body = await stats.hook(hook._id, parseQuery(ctx, StatsRangeQuery).range);
  });
  router.get('/stats/overview', async (ctx) => {
    ctx.body = await stats.overview(authOf(ctx).workspaceId);
  });
  return router;
}

documentPublic({
  method: 'get',
  path: '/hooks/:id/stats',
  tags: ['Deliveries'],
  summary: "An endpoint's deliveries per hour by outcome, with response times",
  request: { params: IdParam('The subscription id (hook_…).'), query: StatsRangeQuery },
  responses: { 200: jsonResponse('One bucket per hour of the range, oldest first.', HookStatsOut), 404: notFound },
});
documentPublic({
  method: 'get',
  path: '/stats/overview',
  tags: ['Deliveries'],
  summary: "The workspace's deliveries of the last 24 hours, in total and per endpoint",
  responses: { 200: jsonResponse('Counts, success rates and response times.', OverviewStatsOut) },
});
