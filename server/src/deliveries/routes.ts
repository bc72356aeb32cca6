import { pipeline } from 'node:stream/promises';
import Router from '@koa/router';
import { stringify } from 'csv-stringify';
import { authOf } from '../auth/middleware.js';
import type { RouteFactoryOptions } from '../app.js';
import { createHookService } from '../hooks/service.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { documentPublic, errorResponse, IdParam, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { CSV_COLUMNS, deliveryCsvRow, presentDelivery, presentDeliveryDetail } from './presenter.js';
import { DeliveryDetailOut, DeliveryListOut, DeliveryListQuery, QueuedOut, RecoverIn } from './schema.js';
import { createDeliveryService } from './service.js';

/** Deliveries of the caller's subscriptions: lists, CSV export, detail with attempts, replay and recover. */
export function deliveriesRouter({ config, deps }: RouteFactoryOptions): Router {
  const hooks = createHookService({ connection: deps.connection, config, events: deps.events, deliveries: deps.deliveries });
  const deliveries = createDeliveryService({ connection: deps.connection, deliveries: deps.deliveries });
  const router = new Router();

  router.get('/hooks/:id/deliveries', async (ctx) => {
    const hook = await hooks.find(authOf(ctx).workspaceId, ctx.params.id as string);
    const query = parseQuery(ctx, DeliveryListQuery);
    const page = await deliveries.list(hook._id, query.status, query);
    ctx.body = { deliveries: page.items.map(presentDelivery), nextCursor: page.nextCursor };
  });

  router.get('/hooks/:id/deliveries.csv', async (ctx) => {
    const hook = await hooks.find(authOf(ctx).workspaceId, ctx.params.id as string);
    // escape_formulas: a value starting with = + - @ (or a tab or CR) is prefixed with ' so a spreadsheet never runs it.
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true, cast: { date: (value) => value.toISOString() } });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`${hook._id}-deliveries.csv`);
    ctx.body = csv;
    const rows = deliveries.cursor(hook._id).map(deliveryCsvRow);
    pipeline(rows, csv).catch((error: unknown) => ctx.state.log.error({ err: error }, 'CSV export failed'));
  });

  router.post('/hooks/:id/recover', async (ctx) => {
    const hook = await hooks.find(authOf(ctx).workspaceId, ctx.params.id as string);
    const { since } = parseBody(ctx, RecoverIn);
    ctx.status = 202;
    ctx.body = { queued: await deliveries.recover(hook._id, new Date(since)) };
  });

  router.get('/deliveries/:id', async (ctx) => {
    ctx.body = presentDeliveryDetail(await deliveries.find(authOf(ctx).workspaceId, ctx.params.id as string));
  });

  router.post('/deliveries/:id/replay', async (ctx) => {
    await deliveries.replay(authOf(ctx).workspaceId, ctx.params.id as string);
    ctx.status = 202;
    ctx.body = { queued: 1 };
  });

  return router;
}

const hookParam = IdParam('The subscription id (hook_…).');
const deliveryParam = IdParam('The delivery id (dlv_…).');
documentPublic({ method: 'get', path: '/hooks/:id/deliveries', tags: ['Deliveries'], summary: "A subscription's deliveries", request: { params: hookParam, query: DeliveryListQuery }, responses: { 200: jsonResponse('Deliveries, newest first.', DeliveryListOut), 404: notFound } });
documentPublic({
  method: 'get',
  path: '/hooks/:id/deliveries.csv',
  tags: ['Deliveries'],
  summary: "A subscription's deliveries as CSV",
  request: { params: hookParam },
  responses: { 200: { description: `CSV with the columns ${CSV_COLUMNS.join(', ')}.`, content: { 'text/csv': { schema: { type: 'string' } } } }, 404: notFound },
});
documentPublic({ method: 'post', path: '/hooks/:id/recover', tags: ['Deliveries'], summary: 'Queue again every failed delivery since a time', request: { params: hookParam, body: jsonBodyOf(RecoverIn) }, responses: { 202: jsonResponse('How many deliveries were queued.', QueuedOut), 404: notFound } });
documentPublic({ method: 'get', path: '/deliveries/:id', tags: ['Deliveries'], summary: 'A delivery with every attempt', request: { params: deliveryParam }, responses: { 200: jsonResponse('The delivery.', DeliveryDetailOut), 404: notFound } });
documentPublic({ method: 'post', path: '/deliveries/:id/replay', tags: ['Deliveries'], summary: 'Send a finished delivery again', request: { params: deliveryParam }, responses: { 202: jsonResponse('Queued.', QueuedOut), 404: notFound, 409: errorResponse('`delivery_not_finished`: the delivery is still pending, being sent or held; the message says what will happen to it.'), 410: errorResponse('`hook_deleted`: the subscription of this delivery was deleted.') } });
