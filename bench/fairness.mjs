// Fairness between endpoints (issue 13, part 3): a healthy endpoint's deliveries/s alone, then
// beside a second endpoint subscribed to the same events whose receiver never answers, so that
// every attempt to it runs into the full WEBHOOK_TIMEOUT_MS (10 s by default).
import { pathToFileURL } from 'node:url';
import { createIngester, ingestClosedLoop, measureThroughput, prepareWorkspace, subscribe } from './delivery.mjs';
import { settledBacklog } from './lib/backlog.mjs';
import { countersDelta } from './lib/db-commands.mjs';
import { startSilentReceiver } from './lib/receiver.mjs';
import { envNumber, withBenchStack } from './lib/stack.mjs';
import { fairnessLines } from './report.mjs';

/** Closed-loop ingestion for `durationMs`: the healthy path's distinct deliveries over the window. */
async function healthyWindow({ server, receiver, dbCounters, workspace, window, concurrency, durationMs }) {
  const ingester = createIngester(server, workspace.workspaceId, concurrency);
  const commandsBefore = await dbCounters?.read();
  const prefix = `${workspace.paths[0]} `;
  const before = receiver.countOn(prefix);
  const started = performance.now();
  const { ingested, failedIngests } = await ingestClosedLoop(ingester, concurrency, durationMs, `${workspace.name}_${window}`);
  const windowSeconds = (performance.now() - started) / 1000;
  const delivered = receiver.countOn(prefix) - before;
  const commands = commandsBefore ? Object.values(countersDelta(commandsBefore, await dbCounters.read())).reduce((sum, count) => sum + count, 0) : null;
  await ingester.close();
  return { ingested, failedIngests, delivered, windowSeconds, commands };
}

/** Two windows added up: deliveries per second over both, database commands per event. */
function combined(windows) {
  const sum = (key) => windows.reduce((total, window) => total + window[key], 0);
  const commands = windows.every((window) => window.commands !== null) ? sum('commands') : null;
  return {
    ingested: sum('ingested'), failedIngests: sum('failedIngests'), delivered: sum('delivered'), windowSeconds: sum('windowSeconds'),
    perSecond: sum('delivered') / sum('windowSeconds'), perWindow: windows.map((window) => window.delivered / window.windowSeconds),
    commandsPerEvent: commands === null ? null : commands / sum('ingested'),
  };
}

async function unsubscribe(server, apiKey, id) {
  const response = await fetch(`${server.baseUrl}/api/v1/hooks/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${apiKey}` } });
  if (response.status !== 204) throw new Error(`unsubscribing answered ${response.status}: ${await response.text()}`);
}

/**
 * A healthy endpoint's rate alone (A) and beside an endpoint on the same events whose receiver
 * never answers (B). Windows run in the order A B B A, `cycles` times over (A B B A A B B A for
 * two): each kind's windows then sit at the same mean position in time, so a load that drifts
 * over the phase — a growing database, a warming JIT, a neighbour on the machine — weighs on
 * both alike instead of on whichever came last. Each workspace has its own healthy endpoint.
 *
 * B is measured in the silent endpoint's steady state: before each B pair a silent endpoint is
 * subscribed and the shared workspace's events flow, untimed, for `silentWarmMs` (longer than
 * the sender's 10 s timeout), so its first attempts have timed out, been recorded and retried
 * and its backlog is growing when the B windows start. A is measured alone: after a B pair the
 * silent endpoint is deleted, and the next A waits until its open attempts have timed out and
 * the server has nothing due or sending.
 */
export async function measureFairness({ server, receiver, dbCounters, concurrency, windowMs, cycles = 2, silentWarmMs = 11_000 }) {
  const settled = await settledBacklog(server, 60_000);
  const silent = await startSilentReceiver();
  try {
    const space = async (name) => ({ ...(await prepareWorkspace({ server, receiver, name, subscriptions: 1 })), name });
    const spaces = { A: await space('fair_alone'), B: await space('fair_shared') };
    let count = 0;
    const window = (kind, durationMs = windowMs) => {
      count += 1;
      return healthyWindow({ server, receiver, dbCounters, workspace: spaces[kind], window: count, concurrency, durationMs });
    };
    const windows = { A: [], B: [] };
    const order = [];
    const waits = [];
    let silentId = null;
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      for (const kind of ['A', 'B', 'B', 'A']) {
        if (kind === 'B' && silentId === null) {
          silentId = await subscribe(server, spaces.B.apiKey, silent.url('/never'));
          await window('B', silentWarmMs);
        }
        if (kind === 'A' && silentId !== null) {
          await unsubscribe(server, spaces.B.apiKey, silentId);
          silentId = null;
          const started = performance.now();
          const quiet = started + 15_000;
          while (silent.stats().open > 0 && performance.now() < quiet) await new Promise((resolve) => setTimeout(resolve, 200));
          const backlog = await settledBacklog(server, 30_000);
          waits.push({ seconds: (performance.now() - started) / 1000, silentOpen: silent.stats().open, backlogOpen: backlog.open });
        }
        const result = await window(kind);
        windows[kind].push(result);
        order.push({ kind, perSecond: result.delivered / result.windowSeconds });
      }
    }
    if (silentId !== null) await unsubscribe(server, spaces.B.apiKey, silentId);
    const [alone, shared] = [combined(windows.A), combined(windows.B)];
    // Each cycle's own B over A: how much the figure moves from one A B B A to the next.
    const cycleRatios = Array.from({ length: cycles }, (_, cycle) => {
      const of = (kind) => combined(windows[kind].slice(cycle * 2, cycle * 2 + 2)).perSecond;
      return of('B') / of('A');
    });
    return { settled, alone, shared, ratio: shared.perSecond / alone.perSecond, cycleRatios, order, waits, silent: silent.stats() };
  } finally {
    await silent.close();
  }
}

/**
 * `node bench/fairness.mjs` (after `npm run build`): the fairness phase alone, on a fresh server
 * and embedded database, after BENCH_FAIRNESS_WARM_SECONDS (default 60) of the throughput load to
 * warm both runtimes. BENCH_FAIRNESS_CYCLES (default 2) A B B A cycles of BENCH_WINDOW_SECONDS
 * (default 6) windows. An instrument for this one question; `npm run bench` is the figure of record.
 */
async function main() {
  const cycles = envNumber('BENCH_FAIRNESS_CYCLES', 2, 1, 10, { integer: true });
  const windowMs = envNumber('BENCH_WINDOW_SECONDS', 6, 1, 60) * 1000;
  const warmMs = envNumber('BENCH_FAIRNESS_WARM_SECONDS', 60, 0, 600) * 1000;
  await withBenchStack('fairness', async ({ database, receiver, server, dbCounters }) => {
    if (warmMs > 0) {
      console.log(`warming up: ${warmMs / 1000} s of the throughput load (32 ingests in flight, 2 subscriptions per event)…`);
      const warm = await measureThroughput({ server, receiver, dbPid: database.pid, dbCounters, subscriptions: 2, concurrency: 32, durationMs: warmMs, drainMs: 60_000, name: 'warm' });
      console.log(`  ${Math.round(warm.deliveriesPerSecond)} deliveries/s`);
    }
    console.log(`fairness: ${cycles} × A B B A, windows of ${windowMs / 1000} s…`);
    console.log(fairnessLines(await measureFairness({ server, receiver, dbCounters, concurrency: 8, windowMs, cycles })).join('\n'));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  main().catch((error) => {
    console.error('fairness: failed:', error);
    process.exit(1);
  });
}
