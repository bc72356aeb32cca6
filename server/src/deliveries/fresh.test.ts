import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { eventModel, type EventDoc } from '../events/model.js';
import { hookModel } from '../hooks/model.js';
import { waitFor } from '../testing/wait.js';
import { createFanOut } from './fanout.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { FAST_WEBHOOKS, startWebhookStory, type WebhookStory } from './story.js';
import { startTestApp } from '../testing/app.js';
import { createSuccessStamps } from './success-stamps.js';

let story: WebhookStory;
beforeEach(async () => {
  // No scheduler: only what a test starts by hand (fan-out, a sweep) moves a delivery.
  story = await startWebhookStory({}, { startScheduler: false });
});
afterEach(async () => {
  await story.close();
});

async function storedEvent(id: string): Promise<EventDoc> {
  const event = await eventModel(story.app.connection).findById(id).lean<EventDoc>();
  if (!event) throw new Error(`event ${id} not stored`);
  return event;
}

describe('deliveries created claimed by the process that attempts them', () => {
  it('are stored sending and locked to that process; a paused subscription\'s are held instead', async () => {
    const active = await story.subscribe({ event: 'lead.captured', path: '/active' });
    const paused = await story.subscribe({ event: 'lead.captured', path: '/paused' });
    await hookModel(story.app.connection).updateOne({ _id: paused.id }, { $set: { status: 'paused' } });
    // An event stored without fan-out (as by a process that died in between), fanned out here by hand.
    const event: EventDoc = { _id: 'evt_fresh_1', workspaceId: story.workspace.workspaceId, type: 'lead.captured', botId: null, test: false, data: {}, createdAt: new Date() };
    await eventModel(story.app.connection).create(event);
    const lockedUntil = new Date(Date.now() + 60_000);
    const result = await createFanOut(story.app.connection)(event, { claim: { owner: 'process-a', lockedUntil } });

    expect(result.claimed.map((delivery) => delivery.subscriptionId)).toEqual([active.id]);
    expect(result.due).toEqual([]);
    const stored = await deliveryModel(story.app.connection).find({ eventId: event._id }).lean<DeliveryDoc[]>();
    const bySubscription = Object.fromEntries(stored.map((delivery) => [delivery.subscriptionId, delivery]));
    expect(bySubscription[active.id]).toMatchObject({ status: 'sending', lockedBy: 'process-a', lockedUntil, attemptCount: 0 });
    expect(bySubscription[paused.id]).toMatchObject({ status: 'held', lockedBy: null });

    const again = await createFanOut(story.app.connection)(event, { claim: { owner: 'process-b', lockedUntil } });
    expect(again.claimed).toEqual([]); // publishing again creates nothing and claims nothing
    expect(again.deliveryIds.sort()).toEqual(stored.map((delivery) => delivery._id).sort());
  });

  it('are left to the sweep while the claim holds, and delivered by it once the claimant is gone', async () => {
    await story.subscribe({ event: 'lead.captured', path: '/orphan' });
    const eventId = await story.publish('lead.captured'); // delivered in-process: proves the hook works
    await story.waitForRequests('/orphan', 1);

    const event = { ...(await storedEvent(eventId)), _id: 'evt_orphan_2' };
    await eventModel(story.app.connection).create(event);
    // Claimed by a process that dies before its first attempt: nothing starts it.
    const { claimed } = await createFanOut(story.app.connection)(event, { claim: { owner: 'dead-process', lockedUntil: new Date(Date.now() + 400) } });
    expect(claimed).toHaveLength(1);
    expect(await story.app.deliveries.sweep()).toBe(0);

    await waitFor(async () => (await story.app.deliveries.sweep()) > 0, { message: 'the sweep to take the lapsed claim', timeoutMs: 10_000 });
    await story.waitForRequests('/orphan', 2);
    // The receiver has answered; the sweep's worker records the attempt a moment later.
    const delivery = await waitFor(async () => {
      const [stored] = await deliveryModel(story.app.connection).find({ eventId: event._id }).lean<DeliveryDoc[]>();
      return stored?.status === 'succeeded' ? stored : undefined;
    }, { message: 'the attempt to be recorded' });
    expect(delivery).toMatchObject({ attemptCount: 1, lockedBy: null });
  });
});

describe('claims of a due delivery', () => {
  it('have exactly one winner among three worker processes, round after round', async () => {
    await story.subscribe({ event: 'lead.captured', path: '/contended' });
    const others = [];
    for (let i = 0; i < 2; i++) {
      // Processes of one deployment: one database, one encryption key.
      const config = { ...FAST_WEBHOOKS, ENCRYPTION_KEY: story.app.config.ENCRYPTION_KEY };
      others.push(await startTestApp({ config, databaseUri: story.app.databaseUri, startScheduler: false }));
    }
    try {
      const workers = [story.app, ...others];
      const rounds = 10;
      for (let round = 0; round < rounds; round++) {
        const event: EventDoc = { _id: `evt_contended_${round}`, workspaceId: story.workspace.workspaceId, type: 'lead.captured', botId: null, test: false, data: {}, createdAt: new Date() };
        await eventModel(story.app.connection).create(event);
        const { due } = await createFanOut(story.app.connection)(event); // pending and due: anyone may claim it
        expect(due).toHaveLength(1);
        await Promise.all(workers.flatMap((worker) => [worker.deliveries.attempt(due[0]!.id), worker.deliveries.attempt(due[0]!.id)]));
      }
      await story.waitForRequests('/contended', rounds);
      const stored = await deliveryModel(story.app.connection).find({ eventId: /^evt_contended_/ }).lean<DeliveryDoc[]>();
      expect(stored.map((delivery) => delivery.attemptCount)).toEqual(Array(rounds).fill(1));
      expect(story.receiver.requests.filter((request) => request.path === '/contended')).toHaveLength(rounds);
    } finally {
      for (const other of others) await other.close();
    }
  });
});

describe('success stamps', () => {
  const logger = pino({ level: 'silent' });
  const lastSuccess = async (hookId: string) => (await hookModel(story.app.connection).findById(hookId).lean())?.lastSuccessAt ?? null;

  it('write a subscription\'s first success at once and fold later ones into the next write', async () => {
    const hook = await story.subscribe({ event: 'lead.captured' });
    const stamps = createSuccessStamps(story.app.connection, logger, 60_000);
    const first = new Date('2026-11-23T10:00:00Z');
    await stamps.stamp(hook.id, first);
    expect(await lastSuccess(hook.id)).toEqual(first);
    await stamps.stamp(hook.id, new Date('2026-11-23T10:00:00.500Z'));
    expect(await lastSuccess(hook.id)).toEqual(first); // within the interval: no write yet
  });

  it('store the newest success of an interval when it ends, and never move backwards', async () => {
    const hook = await story.subscribe({ event: 'lead.captured' });
    const stamps = createSuccessStamps(story.app.connection, logger, 50);
    const times = ['10:00:00.000', '10:00:00.300', '10:00:00.200'].map((time) => new Date(`2026-11-23T${time}Z`));
    for (const at of times) await stamps.stamp(hook.id, at);
    await waitFor(async () => (await lastSuccess(hook.id))?.getTime() === times[1]!.getTime(), { message: 'the newest success to be stored' });
  });
});
