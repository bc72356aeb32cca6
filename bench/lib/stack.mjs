// The setting of the standalone bench instruments (windows.mjs, fairness.mjs): one embedded
// database in a fresh work folder, the local receiver and the real server on it, all on
// 127.0.0.1, stopped and removed when the run ends (kept when it failed or when asked).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDatabase } from '../../server/dist/db/embedded.js';
import { serverCommandCounters } from './db-commands.mjs';
import { startReceiver } from './receiver.mjs';
import { startBenchServer } from './server-process.mjs';

/** A number from the environment within [min, max] (else `fallback`); a clear error otherwise. */
export function envNumber(name, fallback, min, max, { integer = false } = {}) {
  const value = Number(process.env[name] ?? fallback);
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) throw new Error(`${name} must be a ${integer ? 'whole number' : 'number'} from ${min} to ${max}`);
  return value;
}

/**
 * Runs `measure({ database, receiver, server, dbCounters })` on a fresh stack.
 * BENCH_STORAGE=memory uses mongo-java-server's in-memory backend instead of the H2 file;
 * BENCH_DURABILITY=interval|fsync the file's other commit modes; NEBULAHEX_KEEP_DATA=1 keeps the folder.
 */
export async function withBenchStack(label, measure) {
  const work = await mkdtemp(join(tmpdir(), `nebulahex-${label}-`));
  const stops = [];
  let failed = false;
  try {
    const inMemory = process.env.BENCH_STORAGE === 'memory';
    const database = await startDatabase({ ...(inMemory ? {} : { dataDir: join(work, 'db') }), durability: process.env.BENCH_DURABILITY ?? 'commit', log: (line) => console.log(line) });
    stops.push(() => database.stop());
    const receiver = await startReceiver();
    stops.push(() => receiver.close());
    const server = await startBenchServer({ label, databaseUri: `${database.uri}/nebulahex_bench` });
    stops.push(() => server.stop());
    return await measure({ database, receiver, server, dbCounters: serverCommandCounters(server) });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const stop of stops.reverse()) await stop();
    if (process.env.NEBULAHEX_KEEP_DATA || failed) console.log(`kept in ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}
