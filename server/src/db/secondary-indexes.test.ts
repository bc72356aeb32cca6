import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Collection, type Db, type Document, type Filter, type Sort, type UpdateFilter } from 'mongodb';
import { startDatabase } from './embedded.js';

// The embedded database answers queries from in-memory secondary indexes
// (server/embedded-db/SecondaryIndexes.java). Every answer must be the one a full scan gives —
// same documents, same order — while reading only the documents that can match. These tests
// run the same random queries, updates and deletes against a collection with the application's
// kind of indexes and a copy without any, and read serverStatus's scannedObjects to see what
// each query read.

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Random = ReturnType<typeof random>;
/** A stored document: string ids, as the application's. */
type Row = Document & { _id: string };

const WORKSPACES = ['wa', 'wb', 'wc'];
const STATUSES = ['pending', 'sending', 'succeeded', 'failed'];
const TAGS = ['x', 'y', 'z'];
const BASE = Date.UTC(2026, 11, 1);

function makeDocument(rng: Random, seq: number): Row {
  const doc: Row = { _id: `d${String(seq).padStart(5, '0')}`, seq, ws: rng.pick(WORKSPACES), at: new Date(BASE + rng.int(1000) * 1000) };
  if (rng.chance(0.9)) doc.status = rng.pick(STATUSES);
  if (rng.chance(0.8)) doc.n = rng.chance(0.5) ? rng.int(20) : rng.int(20) + 0.5;
  else if (rng.chance(0.5)) doc.n = null;
  if (rng.chance(0.3)) doc.tags = rng.chance(0.2) ? [] : TAGS.filter(() => rng.chance(0.5));
  if (rng.chance(0.6)) doc.lead = { email: `${rng.pick(['ann', 'bob', 'cy'])}@example.com` };
  if (rng.chance(0.5)) doc.mixed = rng.chance(0.5) ? rng.pick(['p', 'q']) : rng.int(3);
  return doc;
}

function makeCondition(rng: Random, field: string): unknown {
  const value = (): unknown => {
    switch (field) {
      case '_id': return `d${String(rng.int(400)).padStart(5, '0')}`;
      case 'ws': return rng.pick(WORKSPACES);
      case 'status': return rng.pick(STATUSES);
      case 'at': return new Date(BASE + rng.int(1000) * 1000);
      case 'n': return rng.chance(0.5) ? rng.int(20) : rng.int(20) + 0.5;
      case 'tags': return rng.pick(TAGS);
      case 'lead.email': return `${rng.pick(['ann', 'bob', 'cy'])}@example.com`;
      case 'mixed': return rng.chance(0.5) ? rng.pick(['p', 'q']) : rng.int(3);
      default: return rng.int(400);
    }
  };
  switch (rng.int(9)) {
    case 0: return { $in: [value(), value(), value()] };
    case 1: return { $gt: value() };
    case 2: return { $gte: value(), $lt: value() };
    case 3: return { $lte: value() };
    case 4: return { $ne: value() };
    case 5: return null;
    case 6: return { $exists: rng.chance(0.5) };
    case 7: return { $eq: value() };
    default: return value();
  }
}

function makeFilter(rng: Random): Filter<Row> {
  const fields = ['_id', 'ws', 'status', 'at', 'n', 'tags', 'lead.email', 'mixed', 'seq'];
  const filter: Record<string, unknown> = {};
  const count = 1 + rng.int(3);
  for (let i = 0; i < count; i++) {
    const field = rng.pick(fields);
    filter[field] = makeCondition(rng, field);
  }
  if (rng.chance(0.1)) filter.$or = [{ status: rng.pick(STATUSES) }, { ws: rng.pick(WORKSPACES) }];
  return filter as Filter<Row>;
}

const SORTS: Array<Sort | undefined> = [undefined, undefined, { at: 1, _id: 1 }, { n: -1, _id: 1 }, { _id: -1 }, { seq: 1 }];

async function scanned(db: Db): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  return Number(status.metrics?.queryExecutor?.scannedObjects);
}

async function createIndexes(collection: Collection<Row>): Promise<void> {
  await collection.createIndex({ ws: 1, status: 1, at: 1 });
  await collection.createIndex({ status: 1, at: 1 });
  await collection.createIndex({ 'lead.email': 1 });
  await collection.createIndex({ tags: 1 });
  await collection.createIndex({ mixed: 1, n: -1 });
  await collection.createIndex({ ws: 1, seq: 1 }, { unique: true });
}

/** Runs the same operations on both collections and expects the same answers. */
async function expectSameAnswers(rng: Random, indexed: Collection<Row>, plain: Collection<Row>, rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const filter = makeFilter(rng);
    const sort = rng.pick(SORTS);
    const skip = rng.chance(0.2) ? rng.int(5) : 0;
    const limit = rng.chance(0.4) ? 1 + rng.int(10) : 0;
    const read = (collection: Collection<Row>) => {
      let cursor = collection.find(filter);
      if (sort) cursor = cursor.sort(sort);
      return cursor.skip(skip).limit(limit).toArray();
    };
    const [got, want] = await Promise.all([read(indexed), read(plain)]);
    expect({ filter, sort, skip, limit, got }).toEqual({ filter, sort, skip, limit, got: want });
    expect({ filter, count: await indexed.countDocuments(filter) }).toEqual({ filter, count: await plain.countDocuments(filter) });
  }
}

describe('secondary indexes of the embedded database', () => {
  // A database server of this suite's own: serverStatus counts the reads of every database on a
  // server, and the suites running beside this one share the test run's server.
  let server: Awaited<ReturnType<typeof startDatabase>>;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    server = await startDatabase({ maxHeap: '256m' });
    client = await new MongoClient(server.uri, { directConnection: true }).connect();
    db = client.db('app');
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('gives every query, update and delete the answer a full scan gives, in the same order', async () => {
    const rng = random(13);
    const indexed = db.collection<Row>('indexed');
    const plain = db.collection<Row>('plain');
    await createIndexes(indexed);
    const docs = Array.from({ length: 400 }, (_, seq) => makeDocument(rng, seq));
    await indexed.insertMany(docs.map((doc) => ({ ...doc })));
    await plain.insertMany(docs.map((doc) => ({ ...doc })));
    await expectSameAnswers(rng, indexed, plain, 150);

    // Changes move documents between keys, in and out of arrays, and free positions.
    for (let round = 0; round < 60; round++) {
      const filter = makeFilter(rng);
      const change = rng.int(4);
      const update: UpdateFilter<Row> | null = change === 0
        ? { $set: { status: rng.pick(STATUSES), at: new Date(BASE + rng.int(1000) * 1000) } }
        : change === 1 ? { $set: { tags: [rng.pick(TAGS)] }, $unset: { mixed: 1 } } : change === 2 ? { $inc: { n: 1 } } : null;
      if (update) {
        const [a, b] = await Promise.all([indexed.updateMany(filter, update), plain.updateMany(filter, update)]);
        expect({ filter, matched: a.matchedCount, modified: a.modifiedCount }).toEqual({ filter, matched: b.matchedCount, modified: b.modifiedCount });
      } else if (rng.chance(0.3)) {
        const [a, b] = await Promise.all([indexed.deleteMany(filter), plain.deleteMany(filter)]);
        expect({ filter, deleted: a.deletedCount }).toEqual({ filter, deleted: b.deletedCount });
      } else {
        const more = Array.from({ length: 5 }, (_, i) => makeDocument(rng, 1000 + round * 5 + i));
        await indexed.insertMany(more.map((doc) => ({ ...doc })));
        await plain.insertMany(more.map((doc) => ({ ...doc })));
      }
    }
    expect(await indexed.countDocuments()).toBe(await plain.countDocuments());
    await expectSameAnswers(rng, indexed, plain, 150);
  });

  it('reads only the documents that can match, where a full scan reads all', async () => {
    const deliveries = db.collection<Row>('deliveries');
    await deliveries.createIndex({ status: 1, nextAttemptAt: 1 });
    await deliveries.createIndex({ workspaceId: 1, _id: -1 });
    const now = Date.now();
    const rows = Array.from({ length: 3000 }, (_, i) => ({
      _id: `dl${String(i).padStart(5, '0')}`,
      workspaceId: `w${i % 30}`,
      status: i % 100 === 0 ? 'pending' : 'succeeded',
      nextAttemptAt: new Date(now + (i - 1500) * 1000),
      lockedBy: `token${i}`,
    }));
    await deliveries.insertMany(rows);
    const readsOf = async (run: () => Promise<unknown>) => {
      const before = await scanned(db);
      await run();
      return (await scanned(db)) - before;
    };

    // Recording an attempt: by _id and the lock's token.
    expect(await readsOf(() => deliveries.updateOne({ _id: 'dl00042', lockedBy: 'token42' }, { $set: { status: 'succeeded' } }))).toBe(1);
    // The sweep: only pending deliveries due by now (16 of the 30 pending ones).
    const due = await deliveries.find({ status: { $in: ['pending', 'sending'] }, nextAttemptAt: { $lte: new Date(now) } }).sort({ nextAttemptAt: 1 }).toArray();
    expect(due).toHaveLength(16);
    expect(await readsOf(() => deliveries.find({ status: { $in: ['pending', 'sending'] }, nextAttemptAt: { $lte: new Date(now) } }).toArray())).toBe(16);
    // A backlog gauge (mongoose's countDocuments is an aggregation).
    expect(await readsOf(() => deliveries.countDocuments({ status: 'pending' }))).toBe(30);
    // A page of one workspace.
    expect(await readsOf(() => deliveries.find({ workspaceId: 'w7' }).sort({ _id: -1 }).limit(10).toArray())).toBe(100);
    // No index on lockedBy alone: every document is read, which is what the counter shows.
    expect(await readsOf(() => deliveries.find({ lockedBy: 'token7' }).toArray())).toBe(3000);
  });
});

describe('secondary indexes of the persistent (H2) embedded database', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('are rebuilt from the stored documents when the database opens again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'nhx-indexes-'));
    dirs.push(dataDir);
    const rng = random(7);
    const docs = Array.from({ length: 300 }, (_, seq) => makeDocument(rng, seq));

    const first = await startDatabase({ dataDir, maxHeap: '256m' });
    const firstClient = await new MongoClient(first.uri, { directConnection: true }).connect();
    try {
      await createIndexes(firstClient.db('app').collection<Row>('indexed'));
      await firstClient.db('app').collection<Row>('indexed').insertMany(docs.map((doc) => ({ ...doc })));
      await firstClient.db('app').collection<Row>('plain').insertMany(docs.map((doc) => ({ ...doc })));
    } finally {
      await firstClient.close();
      await first.stop();
    }

    const second = await startDatabase({ dataDir, maxHeap: '256m' });
    const client = await new MongoClient(second.uri, { directConnection: true }).connect();
    try {
      const db = client.db('app');
      const indexed = db.collection<Row>('indexed');
      const before = await scanned(db);
      const pending = await indexed.find({ ws: 'wa', status: 'pending' }).toArray();
      expect((await scanned(db)) - before).toBe(pending.length);
      expect(pending.length).toBe(docs.filter((doc) => doc.ws === 'wa' && doc.status === 'pending').length);
      await expectSameAnswers(rng, indexed, db.collection<Row>('plain'), 60);
    } finally {
      await client.close();
      await second.stop();
    }
  });
});
