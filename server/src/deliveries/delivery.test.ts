import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@nebulahex/shared';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '../testing/wait.js';
import { startWebhookStory, type WebhookStory } from './story.js';
import type { DeliveryJobData } from './lanes.js';

let story: WebhookStory;
beforeEach(async () => {
  story = await startWebhookStory();
});
afterEach(async () => {
  await story.close();
});

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(' ') : (value ?? ''));

describe('a delivery', () => {
  it('arrives at once, signed in both schemes, verified by standardwebhooks and by our verifier', async () => {
    // No scheduler polls in this app, so only the in-process first attempt can deliver:
    // that, not a stopwatch, is what "at once" means here (latency is measured by npm run bench).
    await story.close();
    story = await startWebhookStory({}, { startScheduler: false });
    const hook = await story.subscribe({ event: 'lead.captured' });
    const eventId = await story.publish('lead.captured');
    await story.waitForRequests('/hook', 1);
    const [request] = story.receiver.requests;
    if (!request) throw new Error('no request');

    const body = JSON.parse(request.body);
    expect(body).toMatchObject({ id: eventId, type: 'lead.captured', workspaceId: story.workspace.workspaceId, test: false });
    expect(body.data.capturedFields.email).toBe('maria.keller@example.com');
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(request.headers['x-nebulahex-event']).toBe('lead.captured');
    expect(request.headers['x-nebulahex-hook-id']).toBe(hook.id);
    expect(request.headers['x-nebulahex-delivery-id']).toMatch(/^dlv_[0-9a-f]{24}$/);
    expect(request.headers['x-nebulahex-attempt']).toBe('1');

    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, header(value)]));
    expect(() => new Webhook(hook.signingSecret).verify(request.body, headers)).not.toThrow();
    expect(verifyWebhook({ headers: request.headers, body: request.body, secret: hook.signingSecret })).toEqual({ valid: true });
    expect(verifyWebhook({ headers: { 'x-nebulahex-timestamp': headers['x-nebulahex-timestamp'], 'x-nebulahex-signature': headers['x-nebulahex-signature'] }, body: request.body, secret: hook.signingSecret })).toEqual({ valid: true });

    const [delivery] = await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'succeeded', 'the delivery to succeed');
    expect(delivery).toMatchObject({ eventId, hookId: hook.id, status: 'succeeded', attemptCount: 1, lastStatusCode: 200 });
    expect(delivery?.id).toBe(request.headers['x-nebulahex-delivery-id']);
  });

  it('goes to every subscription of the event, each once, and none to other events', async () => {
    const first = await story.subscribe({ event: 'lead.captured', path: '/a' });
    const second = await story.subscribe({ event: 'lead.captured', path: '/b' });
    await story.subscribe({ event: 'order.lookup', path: '/other' });
    expect(first.id).not.toBe(second.id);
    const eventId = await story.publish('lead.captured');
    await story.publish('lead.captured', {}, eventId); // the same event again: no new delivery
    await story.waitForRequests('/a', 1);
    await story.waitForRequests('/b', 1);
    await story.waitForDeliveries(second.id, (list) => list[0]?.status === 'succeeded', 'the second delivery');
    expect(story.receiver.on('/a')).toHaveLength(1);
    expect(story.receiver.on('/b')).toHaveLength(1);
    expect(story.receiver.on('/other')).toHaveLength(0);
  });

  it('retries a 500 at the scheduled delay and keeps the ids of the first attempt', async () => {
    story.receiver.respond((_request, index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 200 }));
    const hook = await story.subscribe({ event: 'lead.captured' });
    const eventId = await story.publish('lead.captured');
    await story.waitForRequests('/hook', 2);
    const [first, second] = story.receiver.requests;
    if (!first || !second) throw new Error('missing requests');
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(300); // never before the 0.3 s schedule
    expect(second.headers['webhook-id']).toBe(eventId);
    expect(second.headers['x-nebulahex-delivery-id']).toBe(first.headers['x-nebulahex-delivery-id']);
    expect(second.headers['x-nebulahex-attempt']).toBe('2');

    const [delivery] = await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'succeeded', 'the retry to succeed');
    const { body: detail } = await story.api('GET', `/deliveries/${delivery?.id}`);
    expect(detail.attempts).toHaveLength(2);
    expect(detail.attempts[0]).toMatchObject({ number: 1, statusCode: 500, outcome: 'retry', responseExcerpt: 'boom' });
    expect(detail.attempts[1]).toMatchObject({ number: 2, statusCode: 200, outcome: 'delivered', error: null });
  });

  it('queues the retries of deliveries that failed together as one Agenda job, never before they are due', async () => {
    await story.close();
    story = await startWebhookStory({ WEBHOOK_RETRY_SCHEDULE: [60] }, { startScheduler: false }); // retries stay queued
    story.receiver.respond(() => ({ status: 500 }));
    const hooks = [];
    for (let n = 0; n < 5; n += 1) hooks.push(await story.subscribe({ event: 'lead.captured', path: `/h${n}` }));
    const failedAt = Date.now();
    await story.publish('lead.captured');
    const jobs = story.app.connection.collection<{ name: string; nextRunAt: Date; data: DeliveryJobData }>('agendaJobs');
    const queued = await waitFor(async () => {
      const found = await jobs.find({ name: 'webhook-attempt' }).toArray();
      return found.flatMap((job) => job.data.deliveries ?? []).length === hooks.length ? found : null;
    }, { message: 'a retry queued for every delivery' });
    // Each carries its subscription, so the worker queues it in that endpoint's lane without reading it.
    const carried = queued.flatMap((job) => job.data.deliveries ?? []).map((delivery) => delivery.subscriptionId);
    expect(carried.sort()).toEqual(hooks.map((hook) => hook.id).sort());
    // Five failures within milliseconds fall due in one second (two if they straddle a second boundary).
    expect(queued.length).toBeLessThanOrEqual(2);
    for (const job of queued) expect(job.nextRunAt.getTime()).toBeGreaterThanOrEqual(failedAt + 60_000);
  });

  it('counts timeouts and redirects as failures, and leaves the delivery failed after the last retry', async () => {
    story.receiver.respond((_request, index) =>
      index === 0 ? { status: 200, delayMs: 2_000 } : { status: 302, headers: { Location: story.receiver.url('/elsewhere') } },
    );
    const hook = await story.subscribe({ event: 'lead.captured' });
    await story.publish('lead.captured');
    const [delivery] = await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'failed', 'the delivery to fail', 15_000);
    const { body: detail } = await story.api('GET', `/deliveries/${delivery?.id}`);
    expect(detail.attempts.map((attempt: { outcome: string }) => attempt.outcome)).toEqual(['retry', 'retry', 'exhausted']);
    expect(detail.attempts[0].error).toMatch(/timed out/);
    expect(detail.attempts[1].statusCode).toBe(302);
    expect(story.receiver.on('/elsewhere')).toHaveLength(0);
    const { body: after } = await story.api('GET', `/hooks/${hook.id}`);
    expect(after).toMatchObject({ totalFailed: 1, consecutiveFailures: 1, status: 'active' });
  });

  it('deletes the subscription when the receiver answers 410 Gone', async () => {
    story.receiver.respond(() => ({ status: 410 }));
    const hook = await story.subscribe({ event: 'lead.captured' });
    await story.publish('lead.captured');
    await story.waitForRequests('/hook', 1);
    await waitFor(async () => (await story.api('GET', `/hooks/${hook.id}`)).status === 404, { message: 'the hook to be deleted' });
    await story.publish('lead.captured');
    expect(story.receiver.requests).toHaveLength(1);
  });
});

describe('failed deliveries', () => {
  it('are sent again by replay and by recover', async () => {
    let healthy = false;
    story.receiver.respond(() => ({ status: healthy ? 200 : 503 }));
    const hook = await story.subscribe({ event: 'lead.captured' });
    const since = new Date().toISOString();
    await story.publish('lead.captured');
    await story.publish('lead.captured');
    const failed = await story.waitForDeliveries(hook.id, (list) => list.length === 2 && list.every((d) => d.status === 'failed'), 'both to fail', 15_000);
    healthy = true;

    const [newest, oldest] = failed;
    expect((await story.api('POST', `/deliveries/${newest?.id}/replay`)).status).toBe(202);
    await story.waitForDeliveries(hook.id, (list) => list.find((d) => d.id === newest?.id)?.status === 'succeeded', 'the replay');

    const recovered = await story.api('POST', `/hooks/${hook.id}/recover`, { since });
    expect(recovered).toEqual({ status: 202, body: { queued: 1 } });
    const done = await story.waitForDeliveries(hook.id, (list) => list.every((d) => d.status === 'succeeded'), 'the recovery');
    expect(done.find((d) => d.id === oldest?.id)?.attemptCount).toBe(4);
    const last = story.receiver.requests.at(-1);
    expect(last?.headers['x-nebulahex-delivery-id']).toBe(oldest?.id);
  });
});

describe('replay of a delivery that is not finished', () => {
  it('answers 409 saying the delivery is still pending and when it goes next, and changes nothing', async () => {
    await story.close();
    story = await startWebhookStory({ WEBHOOK_RETRY_SCHEDULE: [60] });
    story.receiver.respond(() => ({ status: 503 }));
    const hook = await story.subscribe({ event: 'lead.captured' });
    await story.publish('lead.captured');
    const [pending] = await story.waitForDeliveries(hook.id, (list) => list[0]?.status === 'pending' && list[0].attemptCount === 1, 'the first attempt to fail');
    const replayed = await story.api('POST', `/deliveries/${pending?.id}/replay`);
    expect(replayed).toEqual({
      status: 409,
      body: { error: { code: 'delivery_not_finished', message: `This delivery is still pending: its next attempt is due at ${pending?.nextAttemptAt}. Only a succeeded or failed delivery can be replayed.` } },
    });
    const { body: after } = await story.api('GET', `/deliveries/${pending?.id}`);
    expect(after).toMatchObject({ status: 'pending', attemptCount: 1, nextAttemptAt: pending?.nextAttemptAt });
  });
});
