// `node bench/windows.mjs` (after `npm run build`): consecutive delivery-throughput windows on
// one server and one embedded database that grows with each, to see where the engine's
// throughput settles and what bounds it — the question `npm run bench` answers once, asked
// window after window. Not a figure of record (that is `npm run bench`); an instrument.
//
//   BENCH_WINDOWS=8          windows (default 6), each BENCH_WINDOW_SECONDS (default 20) long
//   BENCH_INGEST_CONCURRENCY=32 ingest requests in flight (closed loops)
//   BENCH_STORAGE=memory     mongo-java-server's in-memory backend instead of the H2 file
//   BENCH_DURABILITY=interval|fsync   the H2 file's other commit modes (default: commit)
//   BENCH_THREADS=1          sample the database's request threads (jcmd Thread.print each second)
//                            during the last window: idle, running, waiting for the group commit,
//                            blocked on a collection's monitor
//   NEBULAHEX_KEEP_DATA=1    keep the work folder (database, server log)
//
// Everything listens on 127.0.0.1; every window is bounded and the run stops by itself.
import { measureThroughput } from './delivery.mjs';
import { envNumber, withBenchStack } from './lib/stack.mjs';
import { sampleThreadStates } from './lib/thread-states.mjs';

const WINDOWS = envNumber('BENCH_WINDOWS', 6, 1, 50, { integer: true });
const INGESTS = envNumber('BENCH_INGEST_CONCURRENCY', 32, 1, 256, { integer: true });
const WINDOW_MS = envNumber('BENCH_WINDOW_SECONDS', 20, 1, 120) * 1000;

await withBenchStack('windows', async ({ database, receiver, server, dbCounters }) => {
  console.log(`${WINDOWS} windows of ${WINDOW_MS / 1000} s, ${INGESTS} ingests in flight, 2 subscriptions per event, on ${database.description}`);
  const load = { server, receiver, dbPid: database.pid, dbCounters, subscriptions: 2, concurrency: INGESTS };
  for (let index = 1; index <= WINDOWS; index += 1) {
    const sampler = process.env.BENCH_THREADS === '1' && index === WINDOWS ? sampleThreadStates(database.pid) : null;
    const threads = sampler ? new Promise((done) => setTimeout(() => done(sampler.stop()), WINDOW_MS)) : null;
    const result = await measureThroughput({ ...load, name: `window${index}`, durationMs: WINDOW_MS, drainMs: 60_000 });
    const perDelivery = Object.entries(result.cpuPercent).map(([name, percent]) => `${name} ${Math.round(percent)} % (${Math.round((percent * 10_000) / result.deliveriesPerSecond)} µs)`);
    console.log(`window ${index}: ${Math.round(result.deliveriesPerSecond)} deliveries/s (ingested ${Math.round(result.ingestPerSecond * 2)} deliveries/s, drained in ${result.drainSeconds.toFixed(1)} s), ${result.delivered}/${result.expected} arrived; CPU of one core (per delivery): ${perDelivery.join(', ')}`);
    if (threads) console.log(`  database request threads during the window, mean per dump: ${JSON.stringify(await threads)}`);
  }
});
