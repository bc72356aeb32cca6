// The engine's figures, measured at the receiver: events go in through the internal API
// (stored, fanned out, signed, delivered by the real server) and are timed on arrival.
import { eventCatalog } from '@nebulahex/shared';
import { Pool } from 'undici';
import { countersDelta } from './lib/db-commands.mjs';
import { cpuSeconds, latencyHistogram, sleep } from './lib/stats.mjs';

const EVENT_TYPE = 'order.lookup'; // changes no conversation: the figures are the delivery path's own

/** Subscribes `targetUrl` to EVENT_TYPE with the workspace's key; answers the subscription's id. */
export async function subscribe(server, apiKey, targetUrl) {
  const response = await fetch(`${server.baseUrl}/api/v1/hooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: EVENT_TYPE, targetUrl }),
  });
  if (response.status !== 201) throw new Error(`subscribing answered ${response.status}: ${await response.text()}`);
  return (await response.json()).id;
}

/** A workspace with `subscriptions` subscriptions to EVENT_TYPE, each on its own receiver path. */
export async function prepareWorkspace({ server, receiver, name, subscriptions }) {
  const { workspace, apiKey } = await server.internal('/workspaces', { name });
  const paths = [];
  for (let n = 0; n < subscriptions; n += 1) {
    const path = `/${name}/${n}`;
    await subscribe(server, apiKey.key, receiver.url(path));
    paths.push(path);
  }
  return { workspaceId: workspace.id, apiKey: apiKey.key, paths };
}

/** A keep-alive client of POST /internal/v1/events; `ingest(id)` resolves when the server answered 202. */
export function createIngester(server, workspaceId, connections = 32) {
  // Bounded waits: a stalled server shows as failed ingests, never as a bench that hangs.
  const pool = new Pool(server.baseUrl, { connections, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const data = eventCatalog[EVENT_TYPE].sample;
  const headers = { authorization: `Bearer ${server.internalToken}`, 'content-type': 'application/json' };
  return {
    async ingest(id) {
      // The deadline also covers time queued for a connection, so an overloaded server sheds load visibly.
      const signal = AbortSignal.timeout(30_000);
      const response = await pool.request({ path: '/internal/v1/events', method: 'POST', headers, body: JSON.stringify({ workspaceId, type: EVENT_TYPE, data, id }), signal });
      const text = await response.body.text();
      if (response.statusCode !== 202) throw new Error(`ingest answered ${response.statusCode}: ${text}`);
    },
    close: () => pool.close(),
  };
}

/** Waits until `expected` distinct deliveries arrived on `prefix`, or `timeoutMs` passed; answers the count. */
async function drain(receiver, prefix, expected, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let count = receiver.countOn(prefix);
  while (count < expected && performance.now() < deadline) {
    await sleep(100);
    count = receiver.countOn(prefix);
  }
  return count;
}

/** CPU seconds of the server, the database and this process since `start()`, as % of one core over `seconds`. */
async function cpuMeter(serverPid, dbPid) {
  const before = { server: await cpuSeconds(serverPid), db: await cpuSeconds(dbPid), bench: process.cpuUsage() };
  return async (seconds) => {
    const bench = process.cpuUsage(before.bench);
    const used = {
      server: (await cpuSeconds(serverPid)) - before.server,
      db: (await cpuSeconds(dbPid)) - before.db,
      bench: (bench.user + bench.system) / 1e6,
    };
    return Object.fromEntries(Object.entries(used).map(([name, cpu]) => [name, (100 * cpu) / seconds]));
  };
}

/** `concurrency` loops ingesting one event after another until `durationMs` has passed; event ids start with `evt_${name}_`. */
export async function ingestClosedLoop(ingester, concurrency, durationMs, name = 'tp') {
  const deadline = performance.now() + durationMs;
  const counts = { ingested: 0, failedIngests: 0 };
  const loop = async (worker) => {
    for (let n = 0; performance.now() < deadline; n += 1) {
      const ok = await ingester.ingest(`evt_${name}_${worker}_${n}`).then(() => true, () => false);
      counts[ok ? 'ingested' : 'failedIngests'] += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, worker) => loop(worker)));
  return counts;
}

/**
 * Sustained throughput: `concurrency` closed ingestion loops for `durationMs`, deliveries
 * counted at the receiver over the same window (whichever half is slower, ingesting or
 * sending, sets the figure; the ingest rate is reported beside it), CPU per process and
 * database commands sampled over the window, then the backlog drained.
 */
export async function measureThroughput({ server, receiver, dbPid, dbCounters, subscriptions, concurrency, durationMs, drainMs, name = 'tp' }) {
  const label = name === 'tp' ? 'throughput' : name;
  const workspace = await prepareWorkspace({ server, receiver, name: label, subscriptions });
  const ingester = createIngester(server, workspace.workspaceId, concurrency);
  const prefix = `/${label}/`;
  const cpu = await cpuMeter(server.pid, dbPid);
  const commandsBefore = await dbCounters?.read();
  const scannedBefore = await dbCounters?.documentsScanned();
  const started = performance.now();
  // Event ids are idempotency keys: each run needs its own, or it re-ingests the last run's (409s).
  const { ingested, failedIngests } = await ingestClosedLoop(ingester, concurrency, durationMs, name);
  const windowSeconds = (performance.now() - started) / 1000;
  const deliveredInWindow = receiver.countOn(prefix);
  const databaseCommands = commandsBefore ? countersDelta(commandsBefore, await dbCounters.read()) : null;
  const scannedAfter = await dbCounters?.documentsScanned();
  const documentsScanned = typeof scannedBefore === 'number' && typeof scannedAfter === 'number' ? scannedAfter - scannedBefore : null;
  const cpuPercent = await cpu(windowSeconds);
  const expected = ingested * subscriptions;
  const delivered = await drain(receiver, prefix, expected, drainMs);
  await ingester.close();
  return {
    subscriptions, concurrency, ingested, failedIngests, ingestPerSecond: ingested / windowSeconds, windowSeconds,
    deliveredInWindow, deliveriesPerSecond: deliveredInWindow / windowSeconds, eventsPerSecond: deliveredInWindow / subscriptions / windowSeconds,
    expected, delivered, drainSeconds: (performance.now() - started) / 1000 - windowSeconds, databaseCommands, documentsScanned, cpuPercent,
  };
}

/** Ingest requests one latency run keeps open at most: beyond it events are shed, not queued. */
const MAX_IN_FLIGHT = 64;

/**
 * Sends `total` events at `rate` per second (open loop): event n is due at start + n/rate
 * whether or not earlier ones were answered. When MAX_IN_FLIGHT ingests are already open the
 * event is shed and counted: an overloaded server would otherwise pile up a backlog that
 * stalls every later measurement. Answers each event's due time and the counts.
 */
async function ingestAtRate(ingester, idOf, rate, total) {
  const dueAt = new Array(total);
  const pending = [];
  const counts = { shed: 0, failedIngests: 0 };
  let inFlight = 0;
  const done = () => { inFlight -= 1; };
  const started = performance.now();
  for (let n = 0; n < total; n += 1) {
    dueAt[n] = started + (n * 1000) / rate;
    const wait = dueAt[n] - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight >= MAX_IN_FLIGHT) {
      counts.shed += 1;
      continue;
    }
    inFlight += 1;
    pending.push(ingester.ingest(idOf(n)).then(done, () => { counts.failedIngests += 1; done(); }));
  }
  const offeredPerSecond = total / ((performance.now() - started) / 1000);
  await Promise.all(pending);
  return { dueAt, offeredPerSecond, ...counts };
}

/**
 * Latency at a fixed rate: from each event's due time to its arrival at the receiver, so a
 * stalled server shows as latency instead of hiding it (no coordinated omission).
 * Percentiles cover the events delivered within the drain; shed and failed ones are counted.
 */
export async function measureLatency({ server, receiver, rate, durationMs, drainMs }) {
  const name = `latency${rate}`;
  const workspace = await prepareWorkspace({ server, receiver, name, subscriptions: 1 });
  const ingester = createIngester(server, workspace.workspaceId, MAX_IN_FLIGHT);
  const path = workspace.paths[0];
  const idOf = (n) => `evt_${name}_${n}`;
  const total = Math.round((rate * durationMs) / 1000);
  const { dueAt, offeredPerSecond, shed, failedIngests } = await ingestAtRate(ingester, idOf, rate, total);
  const delivered = await drain(receiver, `${path} `, total - shed - failedIngests, drainMs);
  await ingester.close();
  const histogram = latencyHistogram();
  for (let n = 0; n < total; n += 1) {
    const arrived = receiver.arrivals.get(`${path} ${idOf(n)}`);
    if (arrived !== undefined) histogram.record(arrived - dueAt[n]);
  }
  const [p50, p95, p99] = [50, 95, 99].map((p) => histogram.percentile(p));
  return { rate, events: total, offeredPerSecond, shed, failedIngests, delivered, p50, p95, p99, max: histogram.max() };
}
