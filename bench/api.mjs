// API figures: autocannon against GET /api/v1/bots of the real server (with its key, under a
// raised rate limit) and against the bare Koa baseline, with the same connections and time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { settledBacklog } from './lib/backlog.mjs';
import { countersDelta } from './lib/db-commands.mjs';
import { cpuSeconds, sleep } from './lib/stats.mjs';

async function load(url, headers, { connections, durationSeconds }) {
  const result = await autocannon({ url, headers, connections, duration: durationSeconds });
  const failed = result.non2xx + result.errors + result.timeouts;
  return { perSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, failed };
}

async function startBareKoa() {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./bare-koa.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  return { url: `http://127.0.0.1:${String(line).trim()}/api/v1/bots`, stop: () => { child.kill('SIGTERM'); return once(child, 'exit'); } };
}

/** Commands per second the server sends with no request coming in (its scheduler's polls, sweeps). */
async function backgroundRate(dbCounters, seconds) {
  const before = await dbCounters.read();
  await sleep(seconds * 1000);
  return Object.fromEntries(Object.entries(countersDelta(before, await dbCounters.read())).map(([command, count]) => [command, count / seconds]));
}

/**
 * What one round trip of the page's own query costs on this machine, without the server: the
 * same find (workspace's bots, newest first, limit + 1) through the Node driver, 10 in flight,
 * for `seconds`. Answers CPU microseconds per query of the client (this process, idle
 * otherwise) and of the database: the floor under any GET /bots that asks the database.
 */
async function measureRoundTrip({ databaseUri, dbPid, workspaceId, seconds }) {
  const client = await new MongoClient(databaseUri, { directConnection: true }).connect();
  try {
    const bots = client.db().collection('bots');
    const find = () => bots.find({ workspaceId }).sort({ _id: -1 }).limit(26).toArray();
    const sample = await find();
    if (sample.length !== 5) throw new Error(`the round-trip probe found ${sample.length} bots, not the 5 the API phase lists: not the same query`);
    for (let n = 0; n < 200; n += 1) await find(); // the connection pool and the code paths warm
    const clientBefore = process.cpuUsage();
    const dbBefore = await cpuSeconds(dbPid);
    const started = performance.now();
    let queries = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (performance.now() - started < seconds * 1000) {
        await find();
        queries += 1;
      }
    }));
    const elapsed = (performance.now() - started) / 1000;
    const clientCpu = process.cpuUsage(clientBefore);
    return {
      queries,
      perSecond: queries / elapsed,
      clientCpuMicros: (clientCpu.user + clientCpu.system) / queries,
      dbCpuMicros: ((await cpuSeconds(dbPid)) - dbBefore) * 1e6 / queries,
    };
  } finally {
    await client.close();
  }
}

/**
 * Answers { server, bare } figures: requests per second, p50 and p99 in ms, failed requests;
 * with `dbCounters`, also the database commands one API request cost: all the server sent
 * during the load (`databaseCommandsPerRequestRaw`) and that less its background work,
 * measured idle just before (`databaseCommandsPerRequest`, `backgroundCommandsPerSecond`).
 */
export async function measureApi({ server, dbCounters, dbPid, databaseUri, connections, durationSeconds }) {
  const { workspace, apiKey } = await server.internal('/workspaces', { name: 'api-bench' });
  for (let n = 0; n < 5; n += 1) await server.internal(`/workspaces/${workspace.id}/bots`, { name: `Bench bot ${n}`, isActive: true });
  const options = { connections, durationSeconds };
  // Earlier phases' deliveries still being sent would be counted as the requests' commands.
  const backlog = await settledBacklog(server, 60_000);
  const background = dbCounters ? await backgroundRate(dbCounters, Math.min(5, durationSeconds)) : null;
  const before = await dbCounters?.read();
  const cpuBefore = { server: await cpuSeconds(server.pid), db: dbPid ? await cpuSeconds(dbPid) : 0 };
  const real = await load(`${server.baseUrl}/api/v1/bots`, { authorization: `Bearer ${apiKey.key}` }, options);
  // CPU per request, of one core: where a request's time goes between the two processes.
  real.serverCpuMicros = ((await cpuSeconds(server.pid)) - cpuBefore.server) * 1e6 / real.requests;
  if (dbPid) real.dbCpuMicros = ((await cpuSeconds(dbPid)) - cpuBefore.db) * 1e6 / real.requests;
  if (before) {
    const sent = countersDelta(before, await dbCounters.read());
    real.backgroundCommandsPerSecond = background;
    real.databaseCommandsPerRequestRaw = Object.fromEntries(Object.entries(sent).map(([command, count]) => [command, count / real.requests]));
    real.databaseCommandsPerRequest = Object.fromEntries(
      Object.entries(sent).map(([command, count]) => [command, Math.max(0, count - (background[command] ?? 0) * durationSeconds) / real.requests]),
    );
  }
  const bareKoa = await startBareKoa();
  try {
    const bare = await load(bareKoa.url, {}, options);
    const roundTrip = databaseUri && dbPid ? await measureRoundTrip({ databaseUri, dbPid, workspaceId: workspace.id, seconds: Math.min(5, durationSeconds) }) : null;
    return { server: real, bare, backlog, roundTrip };
  } finally {
    await bareKoa.stop();
  }
}
