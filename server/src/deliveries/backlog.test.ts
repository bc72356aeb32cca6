import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventCatalog } from '@nebulahex/shared';
import { waitFor } from '../testing/wait.js';
import { startWorkerProcess } from '../testing/worker-process.js';
import { deliveryModel } from './model.js';
import { startWebhookStory, type WebhookStory } from './story.js';

// Issue 12, finding 2: after workers were killed under a large backlog of due retries, the
// retries stopped running. A backlog of 1,000 due retries, a worker killed before it and
// another while working through it: the third worker must run every one.
const EVENTS = 250;
const HOOKS = 4;
const DELIVERIES = EVENTS * HOOKS;

let story: WebhookStory;
const workers: ChildProcess[] = [];
let failing = true;

function startWorker(): ChildProcess {
  const worker = startWorkerProcess(story.app, {
    WEBHOOK_TIMEOUT_MS: '1000',
    // The first retry waits long enough for the backlog to be built and left without a worker.
    WEBHOOK_RETRY_SCHEDULE: '8,1,1,1,1,1,1,1',
    WEBHOOK_SWEEP_SECONDS: '1',
    WORKER_CONCURRENCY: '50',
  });
  workers.push(worker);
  return worker;
}

async function kill(worker: ChildProcess): Promise<void> {
  worker.kill('SIGKILL');
  await once(worker, 'exit');
}

beforeAll(async () => {
  story = await startWebhookStory({ ROLE: 'api' }, { startScheduler: false });
  story.receiver.respond(() => (failing ? { status: 500, body: 'down' } : { status: 200, body: 'ok' }));
});
afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  await story.close();
});

describe('a large backlog of due retries', () => {
  it('is worked off completely after two workers were killed, one before it fell due and one in the middle of it', async () => {
    for (let n = 0; n < HOOKS; n++) await story.subscribe({ event: 'message.sent', path: `/backlog/${n}` });
    for (let index = 0; index < EVENTS; index += 1) {
      await story.publish('message.sent', { ...eventCatalog['message.sent'].sample, messageId: `msg_${index.toString(16).padStart(24, '0')}` });
    }
    const Deliveries = deliveryModel(story.app.connection);
    const count = (filter: object) => Deliveries.countDocuments(filter);

    const first = startWorker();
    await waitFor(async () => (await count({ attemptCount: { $gte: 1 } })) === DELIVERIES, {
      timeoutMs: 90_000, intervalMs: 250, message: `${DELIVERIES} first attempts to fail and be scheduled for retry`,
    });
    await kill(first); // every retry is now on the schedule, and no worker is alive
    await waitFor(async () => (await count({ status: { $in: ['pending', 'sending'] }, nextAttemptAt: { $lte: new Date() } })) === DELIVERIES, {
      timeoutMs: 30_000, intervalMs: 250, message: `${DELIVERIES} retries to fall due`,
    });

    const second = startWorker();
    await waitFor(() => story.receiver.requests.length >= DELIVERIES + 100, { timeoutMs: 60_000, intervalMs: 10, message: 'the second worker to be working through the backlog' });
    await kill(second);
    expect(await count({ attemptCount: 1 })).toBeGreaterThan(0); // it died with retries still to run

    failing = false;
    startWorker();
    await waitFor(async () => (await count({ status: 'succeeded' })) === DELIVERIES, {
      timeoutMs: 120_000, intervalMs: 500, message: 'every retry to run and succeed',
    });
    expect(await count({ attemptCount: { $lt: 2 } })).toBe(0);
    const ready = await story.app.request('/readyz');
    expect(((await ready.json()) as { checks: { sweep: { overdue: boolean } } }).checks.sweep.overdue).toBe(false);
  }, 300_000);
});
