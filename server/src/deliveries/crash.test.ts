import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventCatalog } from '@nebulahex/shared';
import { waitFor } from '../testing/wait.js';
import { startWorkerProcess } from '../testing/worker-process.js';
import { deliveryModel } from './model.js';
import { startWebhookStory, type WebhookStory } from './story.js';

// Small on purpose: the machine is shared (the full-size run is `npm run test:reliability`).
const EVENTS = 100;
const WORKER_CONCURRENCY = 20;

let story: WebhookStory;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const worker = startWorkerProcess(story.app, {
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5',
    WEBHOOK_SWEEP_SECONDS: '2',
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
  });
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  // An API-only app: it stores events and deliveries and hands them to the worker process.
  story = await startWebhookStory({ ROLE: 'api' }, { startScheduler: false });
  story.receiver.respond(() => ({ status: 200, delayMs: 50 })); // keeps attempts in flight when the worker dies
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  await story.close();
});

describe('a worker killed mid-burst', () => {
  it('loses nothing: after a restart every event reaches every subscription, and no delivery is created twice', async () => {
    const hooks = [await story.subscribe({ event: 'message.sent', path: '/a' }), await story.subscribe({ event: 'message.sent', path: '/b' })];
    const published: string[] = [];
    for (let index = 0; index < EVENTS; index += 1) {
      const messageId = `msg_${index.toString(16).padStart(24, '0')}`;
      published.push(await story.publish('message.sent', { ...eventCatalog['message.sent'].sample, messageId }));
    }
    // The worker meets a backlog of EVENTS × 2 deliveries and dies while working through it.
    const first = startWorker();
    await waitFor(() => story.receiver.requests.length >= 60, { message: 'the worker to be mid-burst', timeoutMs: 60_000, intervalMs: 5 });
    first.kill('SIGKILL');
    await once(first, 'exit');
    const beforeRestart = story.receiver.requests.length;
    startWorker();

    const Deliveries = deliveryModel(story.app.connection);
    await waitFor(async () => (await Deliveries.countDocuments({ status: 'succeeded' })) === EVENTS * hooks.length, {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: 'every delivery to succeed',
    });
    expect(await Deliveries.countDocuments({})).toBe(EVENTS * hooks.length);
    for (const path of ['/a', '/b']) {
      const received = new Set(story.receiver.on(path).map((request) => request.headers['webhook-id']));
      expect([...published].filter((id) => !received.has(id))).toEqual([]);
    }
    const duplicates = story.receiver.requests.length - EVENTS * hooks.length;
    // At-least-once: only attempts in flight when the worker died may arrive twice.
    expect(duplicates).toBeLessThanOrEqual(WORKER_CONCURRENCY * 2);
    expect(beforeRestart).toBeLessThan(EVENTS * hooks.length); // the kill really was mid-burst
    process.stdout.write(`crash test: ${beforeRestart} requests before the kill, ${duplicates} duplicate receipts\n`);
  }, 240_000);
});
