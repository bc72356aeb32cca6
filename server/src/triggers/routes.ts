import Router from '@koa/router';
import { EVENT_TYPES, sampleWebhookBody } from '@nebulahex/shared';
import { authOf } from '../auth/middleware.js';
import { z } from 'zod';
import { SamplesOut, SamplesQuery } from '../events/schema.js';
import { parseQuery } from '../http/validate.js';
import { documentPublic, jsonResponse } from '../openapi/registry.js';
import { catalogFor } from './catalog.js';

/** `GET /triggers/samples`: the catalog's sample of each event type, as it would be delivered to the caller. */
export function triggersRouter(): Router {
  const router = new Router();
  router.get('/triggers/samples', (ctx) => {
    const { event } = parseQuery(ctx, SamplesQuery);
    const { workspaceId } = authOf(ctx);
    const types = event ? [event] : EVENT_TYPES;
    ctx.body = { samples: Object.fromEntries(types.map((type) => [type, { ...sampleWebhookBody(type), workspaceId }])) };
  });
  router.get('/triggers/catalog', (ctx) => {
    ctx.body = { events: catalogFor(authOf(ctx).workspaceId) };
  });
  return router;
}

const CatalogOut = z
  .object({
    events: z.array(
      z.object({
        type: z.string(),
        label: z.string(),
        description: z.string(),
        source: z.enum(['bot', 'platform']).meta({ description: '`platform`: an operational event NebulaHex emits itself.' }),
        fields: z.array(z.object({ name: z.string(), type: z.string(), required: z.boolean(), nullable: z.boolean() })),
        sample: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .meta({ id: 'EventCatalog' });
documentPublic({
  method: 'get',
  path: '/triggers/catalog',
  tags: ['Events'],
  summary: 'The event catalog: every type with its fields and a sample body',
  responses: { 200: jsonResponse('Every event type.', CatalogOut) },
});

documentPublic({
  method: 'get',
  path: '/triggers/samples',
  tags: ['Events'],
  summary: 'Sample webhook bodies from the event catalog',
  request: { query: SamplesQuery },
  responses: { 200: jsonResponse('One sample body per event type (or only `event`).', SamplesOut) },
});
