import Router from '@koa/router';
import { EVENT_TYPES, sampleWebhookBody } from '@nebulahex/shared';
import { authOf } from '../auth/middleware.js';
import { SamplesOut, SamplesQuery } from '../events/schema.js';
import { parseQuery } from '../http/validate.js';
import { documentPublic, jsonResponse } from '../openapi/registry.js';

/** `GET /triggers/samples`: the catalog's sample of each event type, as it would be delivered to the caller. */
export function triggersRouter(): Router {
  const router = new Router();
  router.get('/triggers/samples', (ctx) => {
    const { event } = parseQuery(ctx, SamplesQuery);
    const { workspaceId } = authOf(ctx);
    const types = event ? [event] : EVENT_TYPES;
    ctx.body = { samples: Object.fromEntries(types.map((type) => [type, { ...sampleWebhookBody(type), workspaceId }])) };
  });
  return router;
}

documentPublic({
  method: 'get',
  path: '/triggers/samples',
  tags: ['Events'],
  summary: 'Sample webhook bodies from the event catalog',
  request: { query: SamplesQuery },
  responses: { 200: jsonResponse('One sample body per event type (or only `event`).', SamplesOut) },
});
