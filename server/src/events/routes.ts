import Router from '@koa/router';
import { eventCatalog, isEventType, parseEventData } from '@nebulahex/shared';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { applyEventToConversation } from '../conversations/events.js';
import { ConflictError, ValidationError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { documentInternal, documentPublic, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { getWorkspaceCached } from '../workspaces/service.js';
import { eventModel, type EventDoc } from './model.js';
import { presentEvent } from './presenter.js';
import { EventListOut, EventListQuery, IngestedEventOut, IngestEventIn } from './schema.js';

/** Internal `POST /events`: the bot engine reports what happened; stored, applied and fanned out before 202. */
export function ingestEventsRouter({ config, deps }: RouteFactoryOptions): Router {
  const router = new Router();
  router.post('/events', async (ctx) => {
    const input = parseBody(ctx, IngestEventIn);
    const { type } = input;
    if (!isEventType(type)) throw new ValidationError([{ field: 'type', message: `"${type}" is not an event type of the catalog.` }]);
    if (eventCatalog[type].source === 'platform') throw new ValidationError([{ field: 'type', message: `"${type}" is emitted by NebulaHex itself and cannot be ingested.` }]);
    const parsed = parseEventData(type, input.data);
    if (!parsed.success) throw new ValidationError(parsed.issues);
    const workspace = await getWorkspaceCached(deps.connection, input.workspaceId, config.SUBSCRIPTION_CACHE_MS);
    await applyEventToConversation(deps.connection, { workspaceId: workspace._id, type, data: parsed.data });
    const { event } = await deps.events.publish({ workspaceId: workspace._id, type, data: parsed.data, ...(input.id ? { id: input.id } : {}) });
    if (event.workspaceId !== workspace._id || event.type !== type) {
      throw new ConflictError('An event with this id was already ingested with another workspace or type.', 'event_id_conflict');
    }
    ctx.status = 202;
    ctx.body = { id: event._id };
  });
  return router;
}

/** Public `GET /events`: recent real events in exactly the delivered shape (Zapier's performList). */
export function eventsRouter({ deps }: RouteFactoryOptions): Router {
  const Events = eventModel(deps.connection);
  const router = new Router();
  router.get('/events', async (ctx) => {
    const query = parseQuery(ctx, EventListQuery);
    const filter = { workspaceId: authOf(ctx).workspaceId, test: false, ...(query.type ? { type: query.type } : {}), ...(query.botId ? { botId: query.botId } : {}) };
    const events = await Events.find(filter).sort({ createdAt: -1, _id: -1 }).limit(query.limit).lean<EventDoc[]>();
    ctx.body = { events: events.map(presentEvent) };
  });
  return router;
}

documentInternal({
  method: 'post',
  path: '/events',
  summary: 'Report an event',
  description: 'Validated against the event catalog, idempotent on `id`; the event and its deliveries are stored before the answer.',
  request: { body: jsonBodyOf(IngestEventIn) },
  responses: { 202: jsonResponse('Accepted: stored and queued for delivery.', IngestedEventOut), 404: notFound },
});
documentPublic({
  method: 'get',
  path: '/events',
  tags: ['Events'],
  summary: 'Recent events, newest first',
  description: 'Each event in exactly the shape deliveries carry. Test events are left out.',
  request: { query: EventListQuery },
  responses: { 200: jsonResponse('Recent events.', EventListOut) },
});
