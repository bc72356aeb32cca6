/**
 * `npm run test:reliability`: the reliability run at full size, on its own embedded database
 * (or MONGODB_URI). Options: --events (2000) --subscriptions (3) --workers (2) --kills (3)
 * --deadline-seconds (900). Exits 1 on any loss or platform duplicate.
 */
import { parseArgs } from 'node:util';
import { startDatabase } from '../../../server/dist/db/embedded.js';
import { formatReport, runReliability } from './scenario.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    subscriptions: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    kills: { type: 'string', default: '3' },
    'deadline-seconds': { type: 'string', default: '900' },
  },
});

const log = (line: string) => process.stdout.write(`[reliability] ${line}\n`);

async function main(): Promise<number> {
  const database = await startDatabase({ mongodbUri: process.env.MONGODB_URI, log });
  // The shared test helpers make a fresh database on this server for the run.
  process.env.NEBULAHEX_TEST_MONGODB_URI = database.uri;
  try {
    const report = await runReliability({
      events: Number(values.events),
      subscriptions: Number(values.subscriptions),
      workers: Number(values.workers),
      kills: Number(values.kills),
      faults: { errorShare: 0.15, timeoutShare: 0.05, timeoutDelayMs: 1_500 },
      timeoutMs: 500,
      deadlineMs: Number(values['deadline-seconds']) * 1000,
      log,
    });
    process.stdout.write(`\n${formatReport(report)}\n`);
    if (report.workerOutput) process.stdout.write(`\nworker output:\n${report.workerOutput}\n`);
    const duplicated = report.pairsWithSeveralDeliveryIds + report.unexplainedRepeats;
    return report.lost > 0 || duplicated > 0 || !report.settled ? 1 : 0;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The reliability run failed:', error);
    process.exit(1);
  },
);
