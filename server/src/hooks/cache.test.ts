import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventCatalog, verifyWebhook } from '@nebulahex/shared';
import { deliveryModel, type DeliveryDoc } from '../deliveries/model.js';
import { FAST_WEBHOOKS, startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { startTestApp, type TestApp } from '../testing/app.js';

// Two processes of one deployment. A subscription changed through the first must be honoured
// by the second's fan-out and attempts once the change is SUBSCRIPTION_CACHE_MS old.
const BOUND_MS = 300;
let story: WebhookStory;
let second: TestApp;

beforeEach(async () => {
  story = await startWebhookStory({ SUBSCRIPTION_CACHE_MS: BOUND_MS });
  const config = { ...FAST_WEBHOOKS, SUBSCRIPTION_CACHE_MS: BOUND_MS, ENCRYPTION_KEY: story.app.config.ENCRYPTION_KEY };
  second = await startTestApp({ config, databaseUri: story.app.databaseUri });
});
afterEach(async () => {
  await second.close();
  await story.close();
});

/** Ingests a lead through the second process; answers the event id and when the request started. */
async function publishThroughSecond(): Promise<{ id: string; startedAt: number }> {
  const startedAt = Date.now();
  const response = await second.request('/internal/v1/events', {
    method: 'POST',
    headers: { Authorization: `Bearer ${second.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ workspaceId: story.workspace.workspaceId, type: 'lead.captured', data: eventCatalog['lead.captured'].sample }),
  });
  expect(response.status).toBe(202);
  return { id: ((await response.json()) as { id: string }).id, startedAt };
}

/**
 * Publishes through the second process until three events started more than the bound after
 * `changedAt` (earlier ones may still see the old state); answers those three, once the
 * second process has attempted everything it started.
 */
async function publishedPastTheBound(changedAt: number): Promise<string[]> {
  const late: string[] = [];
  for (let count = 0; late.length < 3; count++) {
    if (count > 500) throw new Error('publishing never got past the bound');
    const { id, startedAt } = await publishThroughSecond();
    if (startedAt > changedAt + BOUND_MS) late.push(id);
  }
  await second.deliveries.idle();
  return late;
}

const receivedEventIds = (path: string): string[] => story.receiver.on(path).map((request) => (JSON.parse(request.body) as { id: string }).id);
const deliveriesOf = (eventIds: string[], hookId: string) =>
  deliveryModel(story.app.connection).find({ eventId: { $in: eventIds }, subscriptionId: hookId }).lean<DeliveryDoc[]>();

/** The second process has read (and cached) the workspace's subscriptions: one event reached `path`. */
async function warmSecond(path: string): Promise<void> {
  await publishThroughSecond();
  await story.waitForRequests(path, 1);
}

describe('the subscription cache across processes', () => {
  it('holds what another process publishes once a pause is older than the bound', async () => {
    const hook = await story.subscribe({ event: 'lead.captured', path: '/paused' });
    await warmSecond('/paused');
    expect((await story.api('PATCH', `/hooks/${hook.id}`, { paused: true })).status).toBe(200);
    const late = await publishedPastTheBound(Date.now());

    expect(receivedEventIds('/paused').filter((id) => late.includes(id))).toEqual([]);
    expect((await deliveriesOf(late, hook.id)).map((delivery) => delivery.status)).toEqual(['held', 'held', 'held']);
  });

  it('delivers nothing of what another process publishes once a deletion is older than the bound', async () => {
    const hook = await story.subscribe({ event: 'lead.captured', path: '/deleted' });
    await warmSecond('/deleted');
    expect((await story.api('DELETE', `/hooks/${hook.id}`)).status).toBe(204);
    const late = await publishedPastTheBound(Date.now());

    expect(receivedEventIds('/deleted').filter((id) => late.includes(id))).toEqual([]);
    expect(await deliveriesOf(late, hook.id)).toEqual([]);
  });

  it('signs with a rotated secret once the rotation is older than the bound', async () => {
    const hook = await story.subscribe({ event: 'lead.captured', path: '/rotated' });
    await warmSecond('/rotated');
    const rotated = await story.api('POST', `/hooks/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const late = await publishedPastTheBound(Date.now());
    await story.waitForRequests('/rotated', 4);

    const lateRequests = story.receiver.on('/rotated').filter((request) => late.includes((JSON.parse(request.body) as { id: string }).id));
    expect(lateRequests).toHaveLength(3);
    for (const request of lateRequests) {
      expect(verifyWebhook({ headers: request.headers, body: request.body, secret: rotated.body.signingSecret })).toEqual({ valid: true });
    }
  });

  it('reaches a subscription made through another process once it is older than the bound', async () => {
    await story.subscribe({ event: 'lead.captured', path: '/first' });
    await warmSecond('/first');
    const added = await story.subscribe({ event: 'lead.captured', path: '/added' });
    const late = await publishedPastTheBound(Date.now());
    await story.waitForRequests('/added', 3);

    expect(receivedEventIds('/added')).toEqual(expect.arrayContaining(late));
    expect((await deliveriesOf(late, added.id)).map((delivery) => delivery.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('honours a change at once in the process that made it', async () => {
    const hook = await story.subscribe({ event: 'lead.captured', path: '/here' });
    await story.publish('lead.captured');
    await story.waitForRequests('/here', 1); // this process has read (and cached) the subscriptions
    expect((await story.api('PATCH', `/hooks/${hook.id}`, { paused: true })).status).toBe(200);
    const eventId = await story.publish('lead.captured');
    await story.app.deliveries.idle();

    expect((await deliveriesOf([eventId], hook.id)).map((delivery) => delivery.status)).toEqual(['held']);
    expect(receivedEventIds('/here')).not.toContain(eventId);
  });
});
