// `node bench/embedded-durability.mjs`: what each durability mode of the embedded database
// costs. 16 concurrent writers (the server's pool) insert and then update documents by _id;
// each mode's rate is printed beside the `interval` mode's (H2 committing once a second,
// which can lose the last second) and the memory backend, measured in the same run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startDatabase } from '../server/dist/db/embedded.js';

const WRITERS = 16;
const OPS = Number(process.env.BENCH_OPS ?? 4000);
const MODES = [['memory', undefined], ['interval', 'interval'], ['commit', 'commit'], ['fsync', 'fsync']];

async function rate(count, run) {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, (_, writer) => (async () => {
    for (let n = writer; n < count; n += WRITERS) await run(n);
  })()));
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function measure(durability) {
  const dir = durability ? await mkdtemp(join(tmpdir(), 'nhx-durability-')) : undefined;
  const database = await startDatabase({ dataDir: dir, durability, maxHeap: '512m' });
  const client = await new MongoClient(database.uri, { directConnection: true }).connect();
  try {
    const docs = client.db('bench').collection('docs');
    await rate(OPS / 4, (n) => docs.insertOne({ _id: -1 - n, body: 'x'.repeat(500) })); // warm the JVM
    const inserts = await rate(OPS, (n) => docs.insertOne({ _id: n, body: 'x'.repeat(500), status: 'pending' }));
    const updates = await rate(OPS, (n) => docs.updateOne({ _id: n }, { $set: { status: 'sent' }, $inc: { attempts: 1 } }));
    return { inserts, updates };
  } finally {
    await client.close();
    await database.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

const results = {};
for (const [name, durability] of MODES) {
  process.stdout.write(`measuring ${name}…\n`);
  results[name] = await measure(durability);
}
const base = results.interval;
console.log(`\n${WRITERS} writers, ${OPS} inserts then ${OPS} updates by _id (ops/s; × = ratio to interval)`);
for (const [name] of MODES) {
  const { inserts, updates } = results[name];
  console.log(`  ${name.padEnd(8)} inserts ${inserts.toFixed(0).padStart(6)}/s (${(inserts / base.inserts).toFixed(2)}×)   updates ${updates.toFixed(0).padStart(6)}/s (${(updates / base.updates).toFixed(2)}×)`);
}
