import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@nebulahex/shared';
import { deliveryModel } from '../deliveries/model.js';
import { startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { createBot, createWorkspace } from '../testing/fixtures.js';
import { hookModel } from './model.js';

let story: WebhookStory;
beforeEach(async () => {
  story = await startWebhookStory({ WEBHOOK_PAUSE_AFTER_FAILURES: 2, WEBHOOK_PAUSE_AFTER_HOURS: 0, WEBHOOK_RETRY_SCHEDULE: [0.1] });
});
afterEach(async () => {
  await story.close();
});

describe('subscriptions', () => {
  it('are created with a secret shown once, listed and read without it, and deleted', async () => {
    const created = await story.subscribe({ event: 'conversation.escalation' });
    expect(created).toMatchObject({ hookId: created.id, event: 'conversation.escalation', status: 'active', botId: null });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const stored = await hookModel(story.app.connection).findById(created.id).lean();
    expect(JSON.stringify(stored)).not.toContain(created.signingSecret.slice(6)); // encrypted at rest

    const { body: list } = await story.api('GET', '/hooks');
    expect(list.hooks.map((hook: { id: string }) => hook.id)).toEqual([created.id]);
    const { body: one } = await story.api('GET', `/hooks/${created.id}`);
    expect(one).toMatchObject({ id: created.id, consecutiveFailures: 0, totalDelivered: 0, totalFailed: 0 });
    expect(one.signingSecret).toBeUndefined();

    expect((await story.api('DELETE', `/hooks/${created.id}`)).status).toBe(204);
    expect((await story.api('GET', `/hooks/${created.id}`)).status).toBe(404);
    expect((await story.api('DELETE', `/hooks/${created.id}`)).status).toBe(404);
  });

  it("answer 404 for another workspace's subscription", async () => {
    const hook = await story.subscribe({ event: 'lead.captured' });
    const other = await createWorkspace(story.app);
    for (const [method, path] of [['GET', `/hooks/${hook.id}`], ['DELETE', `/hooks/${hook.id}`], ['POST', `/hooks/${hook.id}/rotate-secret`], ['GET', `/hooks/${hook.id}/deliveries`]] as const) {
      const response = await story.app.request(`/api/v1${path}`, { method, headers: other.auth });
      expect(response.status).toBe(404);
    }
  });

  it('refuse unknown events, bad URLs and bots of other workspaces with 422 naming the field', async () => {
    const other = await createWorkspace(story.app);
    const foreignBot = await createBot(story.app, other.workspaceId);
    const cases = [
      [{ event: 'lead.lost', targetUrl: story.receiver.url() }, 'event'],
      [{ event: 'lead.captured', targetUrl: 'not a url' }, 'targetUrl'],
      [{ event: 'lead.captured', targetUrl: story.receiver.url(), botId: foreignBot.id }, 'botId'],
    ] as const;
    for (const [input, field] of cases) {
      const { status, body } = await story.api('POST', '/hooks', input);
      expect(status).toBe(422);
      expect(body.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
  });

  it('filter by bot: an event of another bot is not delivered', async () => {
    const bot = await createBot(story.app, story.workspace.workspaceId);
    const otherBot = await createBot(story.app, story.workspace.workspaceId);
    const hook = await story.subscribe({ event: 'lead.captured', botId: bot.id, path: '/filtered' });
    await story.subscribe({ event: 'lead.captured', path: '/all' });
    await story.publish('lead.captured', { botId: otherBot.id });
    const mine = await story.publish('lead.captured', { botId: bot.id });
    await story.waitForRequests('/all', 2);
    await story.waitForRequests('/filtered', 1);
    await story.waitForDeliveries(hook.id, (list) => list.length === 1 && list[0]?.status === 'succeeded', 'the filtered delivery');
    expect(story.receiver.on('/filtered').map((request) => request.headers['webhook-id'])).toEqual([mine]);
  });

  it('rotate secrets: during the overlap both the old and the new secret verify', async () => {
    const hook = await story.subscribe({ event: 'lead.captured' });
    const { status, body } = await story.api('POST', `/hooks/${hook.id}/rotate-secret`);
    expect(status).toBe(200);
    expect(body.signingSecret).not.toBe(hook.signingSecret);
    await story.publish('lead.captured');
    await story.waitForRequests('/hook', 1);
    const [request] = story.receiver.requests;
    if (!request) throw new Error('no request');
    for (const secret of [hook.signingSecret, body.signingSecret]) {
      expect(verifyWebhook({ headers: request.headers, body: request.body, secret })).toEqual({ valid: true });
    }
  });

  it('test: a test event with sample data goes to that subscription only', async () => {
    const hook = await story.subscribe({ event: 'order.lookup', path: '/target' });
    await story.subscribe({ event: 'order.lookup', path: '/bystander' });
    const { status, body } = await story.api('POST', `/hooks/${hook.id}/test`);
    expect(status).toBe(202);
    await story.waitForRequests('/target', 1);
    const delivered = JSON.parse(story.receiver.on('/target')[0]?.body ?? '{}');
    expect(delivered).toMatchObject({ id: body.eventId, type: 'order.lookup', test: true, data: { orderId: '#100482' } });
    expect(story.receiver.on('/bystander')).toHaveLength(0);
  });
});

describe('sustained failure', () => {
  it('pauses the subscription with a reason, holds new deliveries, and sends them on resume', async () => {
    let healthy = false;
    story.receiver.respond(() => ({ status: healthy ? 200 : 500 }));
    const hook = await story.subscribe({ event: 'lead.captured' });
    await story.publish('lead.captured');
    await story.publish('lead.captured');
    await story.waitForDeliveries(hook.id, (list) => list.filter((d) => d.status === 'failed').length === 2, 'two failed deliveries');
    const { body: paused } = await story.api('GET', `/hooks/${hook.id}`);
    expect(paused).toMatchObject({ status: 'paused', consecutiveFailures: 2, totalFailed: 2 });
    expect(paused.pausedReason).toMatch(/2 failed deliveries/);

    const seen = story.receiver.requests.length;
    const held = await story.publish('lead.captured');
    const [heldDelivery] = await story.waitForDeliveries(hook.id, (list) => list.length === 3, 'the held delivery');
    expect(heldDelivery).toMatchObject({ eventId: held, status: 'held', attemptCount: 0 });
    expect(story.receiver.requests).toHaveLength(seen);

    healthy = true;
    const { status, body: resumed } = await story.api('POST', `/hooks/${hook.id}/resume`);
    expect(status).toBe(200);
    expect(resumed).toMatchObject({ status: 'active', pausedReason: null, consecutiveFailures: 0 });
    await story.waitForDeliveries(hook.id, (list) => list.find((d) => d.eventId === held)?.status === 'succeeded', 'the held delivery to go out');
    expect(story.receiver.requests.at(-1)?.headers['webhook-id']).toBe(held);
    expect(await deliveryModel(story.app.connection).countDocuments({ subscriptionId: hook.id, status: 'held' })).toBe(0);
  });
});
