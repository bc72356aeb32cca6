// API figures: autocannon against GET /api/v1/bots of the real server (with its key, under a
// raised rate limit) and against the bare Koa baseline, with the same connections and time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { settledBacklog } from './lib/backlog.mjs';
import { countersDelta } from './lib/db-commands.mjs';
import { sleep } from './lib/stats.mjs';

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
 * Answers { server, bare } figures: requests per second, p50 and p99 in ms, failed requests;
 * with `dbCounters`, also the database commands one API request cost: all the server sent
 * during the load (`databaseCommandsPerRequestRaw`) and that less its background work,
 * measured idle just before (`databaseCommandsPerRequest`, `backgroundCommandsPerSecond`).
 */
export async function measureApi({ server, dbCounters, connections, durationSeconds }) {
  const { workspace, apiKey } = await server.internal('/workspaces', { name: 'api-bench' });
  for (let n = 0; n < 5; n += 1) await server.internal(`/workspaces/${workspace.id}/bots`, { name: `Bench bot ${n}`, isActive: true });
  const options = { connections, durationSeconds };
  // Earlier phases' deliveries still being sent would be counted as the requests' commands.
  const backlog = await settledBacklog(server, 60_000);
  const background = dbCounters ? await backgroundRate(dbCounters, Math.min(5, durationSeconds)) : null;
  const before = await dbCounters?.read();
  const real = await load(`${server.baseUrl}/api/v1/bots`, { authorization: `Bearer ${apiKey.key}` }, options);
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
    return { server: real, bare, backlog };
  } finally {
    await bareKoa.stop();
  }
}
