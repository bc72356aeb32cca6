// Fairness between endpoints (issue 13, part 3): a healthy endpoint's deliveries/s alone, then
// beside a second endpoint subscribed to the same events whose receiver never answers, so that
// every attempt to it runs into the full WEBHOOK_TIMEOUT_MS (10 s by default).
import { createIngester, ingestClosedLoop, prepareWorkspace, subscribe } from './delivery.mjs';
import { countersDelta } from './lib/db-commands.mjs';
import { startSilentReceiver } from './lib/receiver.mjs';

/** Closed-loop ingestion for `durationMs`: the healthy path's distinct deliveries per second over the window. */
async function healthyRate({ server, receiver, dbCounters, workspace, concurrency, durationMs }) {
  const ingester = createIngester(server, workspace.workspaceId, concurrency);
  const commandsBefore = await dbCounters?.read();
  const prefix = `${workspace.paths[0]} `;
  const before = receiver.countOn(prefix);
  const started = performance.now();
  const { ingested, failedIngests } = await ingestClosedLoop(ingester, concurrency, durationMs, workspace.name);
  const windowSeconds = (performance.now() - started) / 1000;
  const delivered = receiver.countOn(prefix) - before;
  const commands = commandsBefore ? countersDelta(commandsBefore, await dbCounters.read()) : null;
  await ingester.close();
  const commandsPerEvent = commands && ingested > 0 ? Object.values(commands).reduce((sum, count) => sum + count, 0) / ingested : null;
  return { ingested, failedIngests, delivered, windowSeconds, perSecond: delivered / windowSeconds, commands, commandsPerEvent };
}

/**
 * The same closed loop twice, each in a workspace of its own: one healthy subscription alone,
 * then a healthy and a silent one on the same events. The ratio of the healthy rates is the
 * figure; the silent receiver's peak of requests open at once shows the per-endpoint limit.
 */
export async function measureFairness({ server, receiver, dbCounters, concurrency, durationMs }) {
  const silent = await startSilentReceiver();
  try {
    const aloneSpace = { ...(await prepareWorkspace({ server, receiver, name: 'fair_alone', subscriptions: 1 })), name: 'fair_alone' };
    const alone = await healthyRate({ server, receiver, dbCounters, workspace: aloneSpace, concurrency, durationMs });
    const sharedSpace = { ...(await prepareWorkspace({ server, receiver, name: 'fair_shared', subscriptions: 1 })), name: 'fair_shared' };
    await subscribe(server, sharedSpace.apiKey, silent.url('/never'));
    const shared = await healthyRate({ server, receiver, dbCounters, workspace: sharedSpace, concurrency, durationMs });
    return { alone, shared, ratio: shared.perSecond / alone.perSecond, silent: silent.stats() };
  } finally {
    await silent.close();
  }
}
