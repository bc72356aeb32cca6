// `node bench/stats.mjs`: how fast the portal's statistics answer on 10,000 deliveries of
// one endpoint, spread over 7 days (issue 10's target: < 200 ms). Each figure is the median
// of 7 runs, beside a baseline measured in the same run: one plain count of the same
// deliveries, the least any answer over them can cost on this database.
import mongoose from 'mongoose';
import { startDatabase } from '../server/dist/db/embedded.js';
import { deliveryModel } from '../server/dist/deliveries/model.js';
import { createStatsService } from '../server/dist/stats/service.js';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 10_000);
const RUNS = 7;
const STATUSES = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'pending'];

async function median(run) {
  const times = [];
  for (let n = 0; n < RUNS; n += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

function delivery(n, now) {
  const createdAt = new Date(now - Math.random() * 7 * 86_400_000);
  const status = STATUSES[n % STATUSES.length];
  return {
    _id: `dlv_bench_${n}`, eventId: `evt_bench_${n}`, subscriptionId: 'hook_bench', workspaceId: 'ws_bench', eventType: 'lead.captured',
    status, attemptCount: 1, roundStart: 0, nextAttemptAt: createdAt, lockedUntil: new Date(0), lockedBy: null,
    lastStatusCode: status === 'failed' ? 500 : 200, lastDurationMs: status === 'pending' ? null : Math.round(5 + Math.random() ** 3 * 3000),
    failureReason: null, attempts: [], createdAt, updatedAt: createdAt, completedAt: createdAt,
  };
}

const database = await startDatabase({ log: (line) => console.log(line) });
const connection = await mongoose.createConnection(`${database.uri}/bench_stats`).asPromise();
try {
  const Deliveries = deliveryModel(connection);
  await Deliveries.init();
  const now = Date.now();
  console.log(`storing ${DELIVERIES} deliveries…`);
  await Deliveries.collection.insertMany(Array.from({ length: DELIVERIES }, (_, n) => delivery(n, now)), { ordered: false });
  const stats = createStatsService(connection);
  await stats.hook('hook_bench', '7d'); // warm the JVM
  const baseline = await median(() => Deliveries.countDocuments({ subscriptionId: 'hook_bench' }));
  const figures = {
    'endpoint chart, 24 h': await median(() => stats.hook('hook_bench', '24h')),
    'endpoint chart, 7 d': await median(() => stats.hook('hook_bench', '7d')),
    'overview, 24 h': await median(() => stats.overview('ws_bench')),
  };
  console.log(`\n${DELIVERIES} deliveries of one endpoint over 7 days, median of ${RUNS} (target < 200 ms):`);
  console.log(`  baseline, one count of them: ${baseline.toFixed(1)} ms`);
  for (const [name, ms] of Object.entries(figures)) {
    console.log(`  ${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  (${(ms / baseline).toFixed(1)}× the count)  ${ms < 200 ? 'MET' : 'NOT MET'}`);
  }
} finally {
  await connection.dropDatabase().catch(() => {});
  await connection.close();
  await database.stop();
}
