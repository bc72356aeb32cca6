// Fairness between endpoints (issue 13, part 3): a healthy endpoint's deliveries/s alone, then
// beside a second endpoint subscribed to the same events whose receiver never answers, so that
// every attempt to it runs into the full WEBHOOK_TIMEOUT_MS (10 s by default).
import { createIngester, ingestClosedLoop, prepareWorkspace, subscribe } from './delivery.mjs';
import { settledBacklog } from './lib/backlog.mjs';
import { countersDelta } from './lib/db-commands.mjs';
import { startSilentReceiver } from './lib/receiver.mjs';

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
 * never answers (B), in the order A B B A, so that a load that drifts on a shared machine
 * weighs on both alike; before the last A the silent endpoint is deleted and its open attempts
 * have timed out. Each workspace has its own healthy endpoint; the figure is B over the better A window.
 */
export async function measureFairness({ server, receiver, dbCounters, concurrency, durationMs }) {
  const settled = await settledBacklog(server, 60_000);
  const silent = await startSilentReceiver();
  try {
    const space = async (name) => ({ ...(await prepareWorkspace({ server, receiver, name, subscriptions: 1 })), name });
    const [aloneSpace, sharedSpace] = [await space('fair_alone'), await space('fair_shared')];
    const silentId = await subscribe(server, sharedSpace.apiKey, silent.url('/never'));
    const window = (workspace, n) => healthyWindow({ server, receiver, dbCounters, workspace, window: n, concurrency, durationMs: durationMs / 2 });
    const a1 = await window(aloneSpace, 1);
    const [b1, b2] = [await window(sharedSpace, 1), await window(sharedSpace, 2)];
    const peakOpen = silent.stats().peakOpen;
    await unsubscribe(server, sharedSpace.apiKey, silentId);
    const quiet = performance.now() + 15_000;
    while (silent.stats().open > 0 && performance.now() < quiet) await new Promise((resolve) => setTimeout(resolve, 200));
    const a2 = await window(aloneSpace, 2);
    const [alone, shared] = [combined([a1, a2]), combined([b1, b2])];
    // Against the better alone window: the last A runs on a larger database, after the deletion, so it can only flatter B.
    return { settled, alone, shared, ratio: shared.perSecond / Math.max(...alone.perWindow), silent: { ...silent.stats(), peakOpen } };
  } finally {
    await silent.close();
  }
}
