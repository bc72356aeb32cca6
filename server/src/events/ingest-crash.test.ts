import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventCatalog } from '@nebulahex/shared';
import { deliveryModel } from '../deliveries/model.js';
import { startWebhookStory, type WebhookStory } from '../deliveries/story.js';
import { waitFor } from '../testing/wait.js';
import { startWorkerProcess } from '../testing/worker-process.js';
import { eventModel } from './model.js';

// Group commit answers an ingest only once its own rows are stored: a server killed while
// batches are being written may lose what it never acknowledged, and nothing it did.
const LOOPS = 32;
const KILL_AFTER = 200;

let story: WebhookStory;
const processes: ChildProcess[] = [];

beforeAll(async () => {
  story = await startWebhookStory({ ROLE: 'api' }, { startScheduler: false });
});
afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
  await story.close();
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

/** A whole server process (API and worker) on the story's database, answering on `port`. */
async function startServerProcess(port: number): Promise<ChildProcess> {
  const child = startWorkerProcess(story.app, { ROLE: 'all', PORT: String(port), WORKER_CONCURRENCY: '20', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_SWEEP_SECONDS: '1' });
  processes.push(child);
  await waitFor(() => fetch(`http://127.0.0.1:${port}/healthz`).then((answer) => answer.ok, () => false), { timeoutMs: 60_000, message: 'the server process to answer' });
  return child;
}

describe('a server killed while ingests are being written in batches', () => {
  it('keeps every event it acknowledged with all its deliveries, and delivers them after a restart', async () => {
    await story.subscribe({ event: 'lead.captured', path: '/a' });
    await story.subscribe({ event: 'lead.captured', path: '/b' });
    const port = await freePort();
    const server = await startServerProcess(port);

    const acknowledged: string[] = [];
    let inFlight = 0;
    let inFlightAtKill = -1;
    const ingest = async (id: string): Promise<void> => {
      inFlight += 1;
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/internal/v1/events`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${story.app.config.INTERNAL_API_TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ workspaceId: story.workspace.workspaceId, type: 'lead.captured', data: eventCatalog['lead.captured'].sample, id }),
        });
        if (answer.status === 202) acknowledged.push(id);
      } finally {
        inFlight -= 1;
      }
    };
    const loops = Array.from({ length: LOOPS }, async (_, loop) => {
      for (let n = 0; server.exitCode === null && server.signalCode === null; n++) {
        await ingest(`evt_crash_${loop}_${n}`).catch(() => undefined); // the connection dies with the server
        if (acknowledged.length >= KILL_AFTER && inFlightAtKill < 0) {
          inFlightAtKill = inFlight;
          server.kill('SIGKILL');
        }
      }
    });
    await Promise.all(loops);
    expect(inFlightAtKill).toBeGreaterThan(0); // killed with ingests in the middle of being written

    const stored = new Set((await eventModel(story.app.connection).find({ _id: /^evt_crash_/ }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((row) => row._id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    const Deliveries = deliveryModel(story.app.connection);
    const deliveriesOfAcknowledged = await Deliveries.countDocuments({ eventId: { $in: acknowledged } });
    expect(deliveriesOfAcknowledged).toBe(acknowledged.length * 2);

    await startServerProcess(await freePort()); // its sweep picks up what the killed one had claimed
    await waitFor(async () => (await Deliveries.countDocuments({ eventId: { $in: acknowledged }, status: 'succeeded' })) === acknowledged.length * 2, {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: 'every acknowledged event to reach both receivers',
    });
    for (const path of ['/a', '/b']) {
      const received = new Set(story.receiver.on(path).map((request) => request.headers['webhook-id']));
      expect(acknowledged.filter((id) => !received.has(id))).toEqual([]);
    }
    process.stdout.write(`ingest crash test: ${acknowledged.length} acknowledged, ${inFlightAtKill} in flight at the kill, ${stored.size} stored\n`);
  }, 240_000);
});
