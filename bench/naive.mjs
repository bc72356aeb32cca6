// The naive baseline: one default-configured Agenda job per delivery (`agenda.now()` per
// event, Agenda's defaults for polling, concurrency and locking), each job signing and
// POSTing its event to the same receiver, on the same database server.
import { MongoBackend } from '@agendajs/mongo-backend';
import { eventCatalog, generateSigningSecret, signWebhook } from '@nebulahex/shared';
import { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { request } from 'undici';
import { sleep } from './lib/stats.mjs';

/** Queues `jobs` deliveries and times them to the receiver (bounded by `timeoutMs`). */
export async function measureNaive({ databaseUri, receiver, jobs, timeoutMs }) {
  const client = await new MongoClient(databaseUri).connect();
  const agenda = new Agenda({ backend: new MongoBackend({ mongo: client.db('naive_baseline'), collection: 'agendaJobs' }) });
  const secret = generateSigningSecret();
  const target = receiver.url('/naive');
  agenda.define('deliver-webhook', async (job) => {
    const { id } = job.attrs.data;
    const body = JSON.stringify({ id, type: 'order.lookup', timestamp: new Date().toISOString(), workspaceId: 'ws_naive', test: false, data: eventCatalog['order.lookup'].sample });
    const headers = { 'content-type': 'application/json', ...signWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] }) };
    const response = await request(target, { method: 'POST', headers, body });
    await response.body.text();
    if (response.statusCode >= 300) throw new Error(`receiver answered ${response.statusCode}`);
  });
  let failures = 0;
  agenda.on('fail', () => { failures += 1; });
  await agenda.start();
  const started = performance.now();
  for (let n = 0; n < jobs; n += 1) await agenda.now('deliver-webhook', { id: `evt_naive_${n}` });
  const queuedSeconds = (performance.now() - started) / 1000;
  const deadline = started + timeoutMs;
  while (receiver.countOn('/naive ') < jobs && performance.now() < deadline) await sleep(100);
  const seconds = (performance.now() - started) / 1000;
  const delivered = receiver.countOn('/naive ');
  await agenda.stop();
  await client.close();
  return { jobs, delivered, failures, queuedSeconds, seconds, perSecond: delivered / seconds };
}
