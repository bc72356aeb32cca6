import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, sampleWebhookBody } from '@nebulahex/shared';
import { startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { createBot, createConversation, createWorkspace } from '../testing/fixtures.js';
import { eventModel } from './model.js';

let story: WebhookStory;
beforeEach(async () => {
  story = await startWebhookStory({}, { startScheduler: false });
});
afterEach(async () => {
  await story.close();
});

const ingest = (body: unknown) =>
  story.app.request('/internal/v1/events', {
    method: 'POST',
    headers: { Authorization: `Bearer ${story.app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('internal POST /events', () => {
  it('validates against the catalog: unknown type and bad data fields answer 422 naming them', async () => {
    const { workspaceId } = story.workspace;
    const unknown = await ingest({ workspaceId, type: 'lead.lost', data: {} });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as any).error.details).toEqual([{ field: 'type', message: expect.any(String) }]);

    const bad = await ingest({ workspaceId, type: 'lead.captured', data: { ...sampleWebhookBody('lead.captured').data, leadId: 42 } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).error.details.map((detail: { field: string }) => detail.field)).toContain('data.leadId');
    expect(await eventModel(story.app.connection).countDocuments({})).toBe(0);
  });

  it('is idempotent on id, stores before answering, and applies the state change', async () => {
    const bot = await createBot(story.app, story.workspace.workspaceId);
    const conversation = await createConversation(story.app, story.workspace.workspaceId, bot.id);
    const hook = await story.subscribe({ event: 'conversation.escalation' });
    const body = {
      workspaceId: story.workspace.workspaceId,
      type: 'conversation.escalation',
      id: 'evt_retry_safe_1',
      data: { ...sampleWebhookBody('conversation.escalation').data, botId: bot.id, conversationId: conversation.id, sessionId: conversation.sessionId },
    };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await ingest(body);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ id: 'evt_retry_safe_1' });
    }
    expect(await eventModel(story.app.connection).countDocuments({ _id: 'evt_retry_safe_1' })).toBe(1);
    const { body: deliveries } = await story.api('GET', `/hooks/${hook.id}/deliveries`);
    expect(deliveries.deliveries).toHaveLength(1);
    const { body: updated } = await story.api('GET', `/conversations/${conversation.id}`);
    expect(updated.status).toBe('escalated');
  });

  it("names the event's bot (botName) from the workspace's bot, keeping a name the bot engine gave", async () => {
    const bot = await createBot(story.app, story.workspace.workspaceId, { name: 'Returns Helper' });
    const conversation = await createConversation(story.app, story.workspace.workspaceId, bot.id);
    const { botName: _sampleName, ...data } = sampleWebhookBody('order.lookup').data;
    const ref = { botId: bot.id, conversationId: conversation.id, sessionId: conversation.sessionId };
    expect((await ingest({ workspaceId: story.workspace.workspaceId, type: 'order.lookup', id: 'evt_named_1', data: { ...data, ...ref } })).status).toBe(202);
    expect((await ingest({ workspaceId: story.workspace.workspaceId, type: 'order.lookup', id: 'evt_named_2', data: { ...data, ...ref, botName: 'Returns Bot v2' } })).status).toBe(202);
    const events = await eventModel(story.app.connection).find({ _id: { $in: ['evt_named_1', 'evt_named_2'] } }).sort({ _id: 1 }).lean();
    expect(events.map((event) => event.data.botName)).toEqual(['Returns Helper', 'Returns Bot v2']);
  });

  it('answers 404 for an unknown workspace and 401 without the internal token', async () => {
    expect((await ingest({ workspaceId: 'ws_000000000000000000000000', type: 'order.lookup', data: sampleWebhookBody('order.lookup').data })).status).toBe(404);
    const response = await story.app.request('/internal/v1/events', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });
});

describe('GET /events and GET /triggers/samples', () => {
  it('lists real events newest first, in the delivered shape, filtered by type and bot, never another workspace', async () => {
    const bot = await createBot(story.app, story.workspace.workspaceId);
    const older = await story.publish('lead.captured');
    const newer = await story.publish('lead.captured', { botId: bot.id });
    const other = await story.publish('order.lookup');
    const elsewhere = await createWorkspace(story.app);

    const { body: all } = await story.api('GET', '/events?limit=10');
    expect(all.events.map((event: { id: string }) => event.id)).toEqual([other, newer, older]);
    const stored = await eventModel(story.app.connection).findById(newer).lean();
    expect(all.events[1]).toEqual({ id: newer, type: 'lead.captured', timestamp: stored?.createdAt.toISOString(), workspaceId: story.workspace.workspaceId, test: false, data: stored?.data });

    expect((await story.api('GET', '/events?type=lead.captured')).body.events.map((event: { id: string }) => event.id)).toEqual([newer, older]);
    expect((await story.api('GET', `/events?botId=${bot.id}`)).body.events.map((event: { id: string }) => event.id)).toEqual([newer]);
    expect((await story.api('GET', '/events?limit=1')).body.events).toHaveLength(1);
    const foreign = await story.app.request('/api/v1/events', { headers: elsewhere.auth });
    expect(((await foreign.json()) as any).events).toEqual([]);
  });

  it('serves the catalog samples in the delivered shape, for all types or one', async () => {
    const { body } = await story.api('GET', '/triggers/samples');
    expect(Object.keys(body.samples)).toEqual([...EVENT_TYPES]);
    expect(body.samples['lead.captured']).toEqual({ ...sampleWebhookBody('lead.captured'), workspaceId: story.workspace.workspaceId });
    const { body: one } = await story.api('GET', '/triggers/samples?event=order.lookup');
    expect(Object.keys(one.samples)).toEqual(['order.lookup']);
    expect((await story.api('GET', '/triggers/samples?event=nope')).status).toBe(422);
  });
});
