import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventModel, type EventDoc } from '../events/model.js';
import { waitFor } from '../testing/wait.js';
import { DELIVERY_JOBS } from './engine.js';
import { createFanOut } from './fanout.js';
import { deliveryModel } from './model.js';
import { startWebhookStory, type WebhookStory } from './story.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

const EVENTS = 20;
const SLOW_LIMIT = 2;

let story: WebhookStory;
let slowReceiver: TestReceiver;
let recover: () => void;

beforeEach(async () => {
  story = await startWebhookStory({
    WORKER_CONCURRENCY: 4, // FIFO, two hanging deliveries plus two more would take every slot
    WEBHOOK_ENDPOINT_CONCURRENCY: 10,
    WEBHOOK_ENDPOINT_BACKLOG: 4 * SLOW_LIMIT,
    WEBHOOK_TIMEOUT_MS: 60_000, // the slow receiver hangs until the test lets it go, never until a timeout
  });
  slowReceiver = await startTestReceiver();
  const recovered = new Promise<void>((resolve) => (recover = resolve));
  slowReceiver.respond(() => ({ status: 200, body: 'ok', until: recovered }));
});
afterEach(async () => {
  recover();
  await slowReceiver.close();
  await story.close();
});

const webhookIds = (receiver: TestReceiver, path: string) => receiver.on(path).map((request) => String(request.headers['webhook-id']));

describe('an endpoint whose receiver hangs', () => {
  it('holds at most its limit of the worker\'s slots: the healthy endpoint gets every delivery, and nothing is lost or sent twice once it recovers', async () => {
    const healthy = await story.subscribe({ event: 'lead.captured', path: '/healthy' });
    const slow = await story.api('POST', '/hooks', { event: 'lead.captured', targetUrl: slowReceiver.url('/slow'), maxConcurrency: SLOW_LIMIT });
    expect(slow.status).toBe(201);
    expect(slow.body.maxConcurrency).toBe(SLOW_LIMIT);

    const published: string[] = [];
    for (let n = 0; n < EVENTS; n += 1) published.push(await story.publish('lead.captured'));
    await story.waitForRequests('/healthy', EVENTS);
    expect(slowReceiver.inFlight).toBe(SLOW_LIMIT);

    // The slow lane keeps 2 running and WEBHOOK_ENDPOINT_BACKLOG (4 × 2) waiting; the other 10 went back to the database.
    const Deliveries = deliveryModel(story.app.connection);
    await waitFor(async () => (await Deliveries.countDocuments({ subscriptionId: slow.body.id, status: 'pending', lockedBy: null })) === EVENTS - 5 * SLOW_LIMIT, {
      message: 'the deliveries the full lane released to be pending in the database',
    });

    // A raised limit applies to the next attempts.
    expect((await story.api('PATCH', `/hooks/${slow.body.id}`, { maxConcurrency: SLOW_LIMIT + 1 })).body.maxConcurrency).toBe(SLOW_LIMIT + 1);
    published.push(await story.publish('lead.captured'));
    await story.waitForRequests('/healthy', EVENTS + 1);
    await waitFor(() => slowReceiver.inFlight === SLOW_LIMIT + 1, { message: 'a third request at the slow receiver' });

    recover();
    await story.waitForDeliveries(slow.body.id, (deliveries) => deliveries.length === EVENTS + 1 && deliveries.every((delivery) => delivery.status === 'succeeded'), 'every slow delivery to succeed', 30_000);
    await story.waitForDeliveries(healthy.id, (deliveries) => deliveries.every((delivery) => delivery.status === 'succeeded'), 'every healthy delivery to be recorded');
    expect(slowReceiver.peakInFlight).toBe(SLOW_LIMIT + 1);
    expect(webhookIds(slowReceiver, '/slow').sort()).toEqual([...published].sort());
    expect(webhookIds(story.receiver, '/healthy').sort()).toEqual([...published].sort());
  }, 60_000);
});

describe('maxConcurrency over the API', () => {
  it('is optional, bounded to 1–100, and set back to the server default with null', async () => {
    const target = story.receiver.url('/limits');
    const created = await story.api('POST', '/hooks', { event: 'lead.captured', targetUrl: target });
    expect(created.body.maxConcurrency).toBeNull();
    for (const bad of [0, 101, 2.5, '5']) {
      const { status, body } = await story.api('POST', '/hooks', { event: 'lead.captured', targetUrl: target, maxConcurrency: bad });
      expect(status).toBe(422);
      expect(body.error.details.map((detail: { field: string }) => detail.field)).toContain('maxConcurrency');
    }
    const patched = await story.api('PATCH', `/hooks/${created.body.id}`, { maxConcurrency: 100 });
    expect(patched.body.maxConcurrency).toBe(100);
    expect((await story.api('GET', `/hooks/${created.body.id}`)).body.maxConcurrency).toBe(100);
    expect((await story.api('PATCH', `/hooks/${created.body.id}`, { maxConcurrency: null })).body.maxConcurrency).toBeNull();
    expect((await story.api('PATCH', `/hooks/${created.body.id}`, { maxConcurrency: 0 })).status).toBe(422);
  });
});

describe('delivery jobs stored before lanes existed', () => {
  it('still run: plain ids are queued in the lane of the subscription read for them', async () => {
    await story.close();
    story = await startWebhookStory({ WEBHOOK_SWEEP_SECONDS: 3600 }); // only the jobs below move a delivery
    await story.subscribe({ event: 'lead.captured', path: '/old-jobs' });
    const ids: string[] = [];
    for (const id of ['evt_old_job_1', 'evt_old_job_2']) {
      const event: EventDoc = { _id: id, workspaceId: story.workspace.workspaceId, type: 'lead.captured', botId: null, test: false, data: {}, createdAt: new Date() };
      await eventModel(story.app.connection).create(event);
      ids.push(...(await createFanOut(story.app.connection)(event)).due.map((delivery) => delivery.id)); // pending, claimed by nobody
    }
    await story.app.agenda.now(DELIVERY_JOBS.attempt, { deliveryId: ids[0] });
    await story.app.agenda.now(DELIVERY_JOBS.dispatch, { deliveryIds: [ids[1]] });
    await story.waitForRequests('/old-jobs', 2);
    expect(webhookIds(story.receiver, '/old-jobs').sort()).toEqual(['evt_old_job_1', 'evt_old_job_2']);
  });
});

describe('endpoints on one host', () => {
  it('share the worker\'s slots, not a fixed pool of connections to the host: 2 × 15 hanging requests are all in flight at once', async () => {
    // Every Zapier REST hook has the same origin. The sender's connections to one origin follow
    // WORKER_CONCURRENCY; with its old fixed pool of 20, the last 10 requests queued for a connection.
    await story.close();
    story = await startWebhookStory({ WORKER_CONCURRENCY: 30, WEBHOOK_ENDPOINT_CONCURRENCY: 15, WEBHOOK_TIMEOUT_MS: 60_000 });
    for (const path of ['/zap-a', '/zap-b']) {
      expect((await story.api('POST', '/hooks', { event: 'lead.captured', targetUrl: slowReceiver.url(path) })).status).toBe(201);
    }
    for (let n = 0; n < 15; n += 1) await story.publish('lead.captured');
    await waitFor(() => slowReceiver.inFlight === 30, { message: '30 requests in flight at the one host', timeoutMs: 15_000 });
    recover();
    await waitFor(() => slowReceiver.inFlight === 0, { message: 'every request to have been answered' });
    expect(slowReceiver.peakInFlight).toBe(30);
    for (const path of ['/zap-a', '/zap-b']) expect(new Set(webhookIds(slowReceiver, path)).size).toBe(15);
  }, 60_000);
});
