import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventCatalog } from '@nebulahex/shared';
import { waitFor } from '../testing/wait.js';
import { deliveryModel } from './model.js';
import { startWebhookStory, type WebhookStory } from './story.js';

// A lane keeps WEBHOOK_ENDPOINT_BACKLOG deliveries waiting in memory and gives the rest back
// to the database. Those must go out as fast as the endpoint takes them, not a sweep's page
// per WEBHOOK_SWEEP_SECONDS: here the periodic sweep runs once an hour, so only the engine's
// own draining can deliver what a lane could not keep.
const sample = (n: number) => ({ ...eventCatalog['message.sent'].sample, messageId: `msg_${n.toString(16).padStart(24, '0')}` });

describe('deliveries a full lane gave back to the database', () => {
  let story: WebhookStory;
  beforeAll(async () => {
    story = await startWebhookStory({ WEBHOOK_SWEEP_SECONDS: 3600, WEBHOOK_ENDPOINT_BACKLOG: 5, WORKER_CONCURRENCY: 10 });
  });
  afterAll(async () => {
    await story.close();
  });

  it('are all delivered, each once, without waiting for the periodic sweep', async () => {
    const EVENTS = 400; // eighty times what the lane keeps
    await story.subscribe({ event: 'message.sent', path: '/burst' });
    const ids: string[] = [];
    for (let start = 0; start < EVENTS; start += 20) {
      ids.push(...(await Promise.all(Array.from({ length: 20 }, (_, n) => story.publish('message.sent', sample(start + n))))));
    }
    await waitFor(() => story.receiver.on('/burst').length >= EVENTS, { timeoutMs: 30_000, message: `${story.receiver.on('/burst').length} of ${EVENTS} deliveries on /burst` });
    await story.app.deliveries.idle();
    const received = story.receiver.on('/burst').map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(received).toHaveLength(EVENTS);
    expect(new Set(received)).toEqual(new Set(ids));
  }, 90_000);
});

describe('new deliveries for a lane that is full and stuck', () => {
  let story: WebhookStory;
  beforeAll(async () => {
    story = await startWebhookStory({ WEBHOOK_SWEEP_SECONDS: 3600, WEBHOOK_ENDPOINT_BACKLOG: 5, WEBHOOK_ENDPOINT_CONCURRENCY: 2, WEBHOOK_TIMEOUT_MS: 30_000 });
  });
  afterAll(async () => {
    await story.close();
  });

  it('are stored unclaimed and due (not claimed, then released), and delivered once the endpoint answers', async () => {
    let answer!: () => void;
    const hanging = new Promise<void>((resolve) => (answer = resolve));
    story.receiver.respond(() => ({ status: 200, body: 'ok', until: hanging }));
    const hook = await story.subscribe({ event: 'message.sent', path: '/hang' });
    const Deliveries = deliveryModel(story.app.connection);
    // A delivery claimed and released is due RELEASE_DELAY_MS after its release; one stored unclaimed is due when made.
    const unclaimedAtOnce = async () =>
      (await Deliveries.find({ subscriptionId: hook.id, status: 'pending', lockedBy: null }).lean()).filter((row) => row.nextAttemptAt.getTime() === row.createdAt.getTime()).length;
    // 2 attempts hang and 5 wait; once the lane has not moved for a second, what comes is not claimed.
    const ids: string[] = [];
    const deadline = Date.now() + 20_000;
    while ((await unclaimedAtOnce()) < 20) {
      if (Date.now() > deadline) throw new Error(`after ${ids.length} events only ${await unclaimedAtOnce()} deliveries were stored unclaimed`);
      ids.push(...(await Promise.all(Array.from({ length: 5 }, (_, n) => story.publish('message.sent', sample(ids.length + n))))));
    }
    expect(story.receiver.on('/hang')).toHaveLength(2);

    answer();
    await waitFor(() => story.receiver.on('/hang').length >= ids.length, { timeoutMs: 30_000, message: `${story.receiver.on('/hang').length} of ${ids.length} deliveries on /hang` });
    await story.app.deliveries.idle();
    const received = story.receiver.on('/hang').map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(received).toHaveLength(ids.length);
    expect(new Set(received)).toEqual(new Set(ids));
  }, 90_000);
});
