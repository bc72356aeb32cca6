import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventCatalog } from '@nebulahex/shared';
import { waitFor } from '../testing/wait.js';
import { startWebhookStory, type WebhookStory } from './story.js';

// A lane keeps WEBHOOK_ENDPOINT_BACKLOG deliveries waiting in memory and gives the rest back
// to the database. Those must go out as fast as the endpoint takes them, not a sweep's page
// per WEBHOOK_SWEEP_SECONDS: here the periodic sweep runs once an hour, so only the engine's
// own draining can deliver a burst twenty times larger than what the lane keeps.
const EVENTS = 400;

let story: WebhookStory;
beforeAll(async () => {
  story = await startWebhookStory({ WEBHOOK_SWEEP_SECONDS: 3600, WEBHOOK_ENDPOINT_BACKLOG: 5, WORKER_CONCURRENCY: 10 });
});
afterAll(async () => {
  await story.close();
});

describe('deliveries a full lane gave back to the database', () => {
  it('are all delivered, each once, without waiting for the periodic sweep', async () => {
    await story.subscribe({ event: 'message.sent', path: '/burst' });
    const ids: string[] = [];
    for (let start = 0; start < EVENTS; start += 20) {
      const batch = Array.from({ length: 20 }, (_, n) => story.publish('message.sent', { ...eventCatalog['message.sent'].sample, messageId: `msg_${(start + n).toString(16).padStart(24, '0')}` }));
      ids.push(...(await Promise.all(batch)));
    }
    await waitFor(() => story.receiver.on('/burst').length >= EVENTS, { timeoutMs: 15_000, message: `${story.receiver.on('/burst').length} of ${EVENTS} deliveries on /burst` });
    await story.app.deliveries.idle();
    const received = story.receiver.on('/burst').map((request) => (JSON.parse(request.body) as { id: string }).id);
    expect(received).toHaveLength(EVENTS);
    expect(new Set(received)).toEqual(new Set(ids));
  }, 90_000);
});
