import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { hookModel } from './model.js';

let story: WebhookStory;
beforeEach(async () => {
  story = await startWebhookStory({ WEBHOOK_PAUSE_AFTER_FAILURES: 1, WEBHOOK_PAUSE_AFTER_HOURS: 0, WEBHOOK_RETRY_SCHEDULE: [0.1] });
});
afterEach(async () => {
  await story.close();
});

const create = async (body: Record<string, unknown>) => {
  const { status, body: created } = await story.api('POST', '/hooks', { targetUrl: story.receiver.url('/multi'), ...body });
  if (status !== 201) throw new Error(`POST /hooks answered ${status}: ${JSON.stringify(created)}`);
  return created;
};

describe('endpoints with several event types', () => {
  it('receive any of their types, and a one-event REST hook still works as before', async () => {
    const multi = await create({ events: ['lead.captured', 'order.lookup'], description: 'CRM sync' });
    expect(multi).toMatchObject({ event: 'lead.captured', events: ['lead.captured', 'order.lookup'], description: 'CRM sync', headers: {} });
    const zap = await story.subscribe({ event: 'order.lookup', path: '/zap' });
    expect(zap).toMatchObject({ event: 'order.lookup', events: ['order.lookup'] });

    const lead = await story.publish('lead.captured');
    const order = await story.publish('order.lookup');
    await story.publish('message.sent');
    await story.waitForRequests('/multi', 2);
    await story.waitForRequests('/zap', 1);
    expect(story.receiver.on('/multi').map((request) => request.headers['webhook-id']).sort()).toEqual([lead, order].sort());
    const { body: filtered } = await story.api('GET', '/hooks?event=order.lookup');
    expect(filtered.hooks.map((hook: { id: string }) => hook.id).sort()).toEqual([multi.id, zap.id].sort());
  });

  it('refuse an empty or repeated list of types, naming the field', async () => {
    for (const events of [[], ['lead.captured', 'lead.captured'], ['lead.lost']]) {
      const { status, body } = await story.api('POST', '/hooks', { events, targetUrl: story.receiver.url() });
      expect(status).toBe(422);
      expect(body.error.details[0].field).toMatch(/^events/);
    }
    const { status, body } = await story.api('POST', '/hooks', { targetUrl: story.receiver.url() });
    expect(status).toBe(422);
    expect(body.error.details[0].field).toBe('event');
  });
});

describe('PATCH /hooks/:id', () => {
  it('changes the target, types and description; custom headers are sent, stored sealed and shown masked', async () => {
    const hook = await create({ event: 'lead.captured' });
    const { status, body } = await story.api('PATCH', `/hooks/${hook.id}`, {
      targetUrl: story.receiver.url('/moved'),
      events: ['lead.captured', 'conversation.escalation'],
      description: 'moved',
      headers: { Authorization: 'Bearer receiver-secret-123', 'X-Team': 'sales' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ targetUrl: story.receiver.url('/moved'), events: ['lead.captured', 'conversation.escalation'], description: 'moved' });
    expect(body.headers).toEqual({ Authorization: 'Bear••••', 'X-Team': 's••••' });
    const stored = JSON.stringify(await hookModel(story.app.connection).findById(hook.id).lean());
    expect(stored).not.toContain('receiver-secret-123');

    await story.publish('conversation.escalation');
    await story.waitForRequests('/moved', 1);
    expect(story.receiver.on('/moved')[0]?.headers).toMatchObject({ authorization: 'Bearer receiver-secret-123', 'x-team': 'sales' });

    const { body: removed } = await story.api('PATCH', `/hooks/${hook.id}`, { headers: { 'x-team': null } });
    expect(removed.headers).toEqual({ Authorization: 'Bear••••' });
  });

  it('refuses reserved header names, unknown fields, an empty change and a private target when not allowed', async () => {
    const hook = await create({ event: 'lead.captured' });
    const cases: Array<[unknown, string]> = [
      [{ headers: { 'webhook-signature': 'x' } }, 'headers.webhook-signature'],
      [{ headers: { 'Content-Type': 'text/plain' } }, 'headers.Content-Type'],
      [{ colour: 'red' }, 'colour'],
      [{}, 'body'],
      [{ targetUrl: 'ftp://example.com' }, 'targetUrl'],
    ];
    for (const [input, field] of cases) {
      const { status, body } = await story.api('PATCH', `/hooks/${hook.id}`, input);
      expect(status).toBe(422);
      expect(body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
  });

  it('pauses by hand (held, endpoint.paused to subscribers) and resumes (held deliveries go out)', async () => {
    const watcher = await create({ event: 'endpoint.paused', targetUrl: story.receiver.url('/ops') });
    const hook = await create({ event: 'lead.captured', targetUrl: story.receiver.url('/main') });
    const { body: paused } = await story.api('PATCH', `/hooks/${hook.id}`, { paused: true });
    expect(paused).toMatchObject({ status: 'paused', pausedReason: expect.stringMatching(/paused by hand/) });
    await story.waitForRequests('/ops', 1);
    const notice = JSON.parse(story.receiver.on('/ops')[0]?.body ?? '{}');
    expect(notice).toMatchObject({ type: 'endpoint.paused', data: { endpointId: hook.id, targetUrl: story.receiver.url('/main'), reason: paused.pausedReason } });
    expect(watcher.status).toBe('active');

    const held = await story.publish('lead.captured');
    await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'held', 'a held delivery');
    const { body: resumed } = await story.api('PATCH', `/hooks/${hook.id}`, { paused: false });
    expect(resumed.status).toBe('active');
    await story.waitForRequests('/main', 1);
    expect(story.receiver.on('/main')[0]?.headers['webhook-id']).toBe(held);
  });

  it('announces an automatic pause after sustained failure', async () => {
    await create({ event: 'endpoint.paused', targetUrl: story.receiver.url('/ops') });
    story.receiver.respond((request) => ({ status: request.path === '/failing' ? 503 : 200 }));
    const hook = await create({ event: 'lead.captured', targetUrl: story.receiver.url('/failing') });
    await story.publish('lead.captured');
    await story.waitForRequests('/ops', 1, 20_000);
    const notice = JSON.parse(story.receiver.on('/ops')[0]?.body ?? '{}');
    expect(notice.data).toMatchObject({ endpointId: hook.id, reason: expect.stringMatching(/failed deliveries in a row/) });
  });

  it('cannot ingest the operational event from the bot engine', async () => {
    await expect(story.publish('endpoint.paused')).rejects.toThrow(/emitted by NebulaHex itself/);
  });
});
