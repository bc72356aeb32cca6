import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Binary, BSON, BSONRegExp, Decimal128, Double, Long, MaxKey, MinKey, MongoClient, ObjectId, Timestamp, UUID, type Document } from 'mongodb';
import { DATABASE_FILE, startDatabase } from './embedded.js';
import { ensureEmbeddedDatabase } from './java-server.js';

// The persistent embedded database stores documents as BSON and index keys in MongoDB's value
// order (server/embedded-db/CompactStorage.java) instead of H2's Java serialization, and
// converts a file written the old way when it opens. What a client stored must come back
// exactly, unique indexes must keep refusing duplicates, and nothing of an old file may be lost.

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nhx-compact-'));
  dirs.push(dir);
  return dir;
}

/**
 * One document of every BSON type the application or a client may store. Keys of different
 * lengths and negative numbers: H2's old order (serialized bytes) and MongoDB's differ for them.
 */
function everyType(seq: number): Document {
  const n = seq - 150;
  return {
    _id: new ObjectId(),
    key: `key-${seq}`,
    workspaceId: `w${seq % 7}`,
    n,
    long: Long.fromString('9007199254740993'),
    double: new Double(n + 0.25),
    whole: new Double(3),
    decimal: Decimal128.fromString('12345.6789'),
    at: new Date(Date.UTC(2026, 11, 5, 12, 0, seq % 60)),
    flag: seq % 2 === 0,
    nothing: null,
    bytes: new Binary(Buffer.from([0, 1, 2, 255])),
    uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e'),
    pattern: new BSONRegExp('^lead', 'i'),
    stamp: new Timestamp({ t: 1_700_000_000, i: seq }),
    low: new MinKey(),
    high: new MaxKey(),
    nested: { list: [1, 'two', { three: [3] }, [4, 5]], empty: {}, none: [] },
    text: 'ünïcødé ✓ '.repeat(seq % 5),
  };
}

/** `exact`: values come back as their BSON types (Int32, Double …), not as JS numbers. */
async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>, exact = false): Promise<T> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000, promoteValues: !exact });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Canonical extended JSON, which names every value's BSON type: equal only if the types are too. */
const canonical = (documents: Document[]) => documents.map((document) => BSON.EJSON.stringify(document, { relaxed: false })).sort();

/** Checks what `uri` holds against `expected`, and that the unique indexes still hold. */
async function expectIntact(uri: string, expected: Document[]): Promise<void> {
  await withClient(uri, async (client) => {
    const stored = await withClient(uri, (exact) => exact.db('app').collection('leads').find({}).toArray(), true);
    expect(canonical(stored)).toEqual(canonical(expected));
    const leads = client.db('app').collection('leads');
    // Every key found through its unique index (the B-tree's order decides whether a lookup finds it).
    for (const document of expected) {
      const found = await leads.findOne({ key: document.key });
      expect(found?._id).toEqual(document._id);
      const compound = await leads.findOne({ workspaceId: document.workspaceId, n: document.n });
      expect(compound?._id).toEqual(document._id);
    }
    for (const document of expected.filter((_, index) => index % 25 === 0)) {
      await expect(leads.insertOne({ key: document.key, workspaceId: 'other', n: -1 })).rejects.toMatchObject({ code: 11000 });
      // 3 and 3.0 are the same key to MongoDB.
      await expect(leads.insertOne({ key: `${document.key}-x`, workspaceId: document.workspaceId, n: new Double(document.n as number) })).rejects.toMatchObject({ code: 11000 });
    }
  });
}

async function fill(uri: string, count: number): Promise<Document[]> {
  return withClient(uri, async (client) => {
    const leads = client.db('app').collection('leads');
    await leads.createIndex({ key: 1 }, { unique: true });
    await leads.createIndex({ workspaceId: 1, n: 1 }, { unique: true });
    await leads.createIndex({ workspaceId: 1, at: -1 });
    // Not in key order, so the index B-trees are built by insertion in another order.
    const documents = Array.from({ length: count }, (_, index) => everyType((index * 7919) % count));
    for (let start = 0; start < documents.length; start += 50) await leads.insertMany(documents.slice(start, start + 50));
    return documents;
  });
}

/** mongo-java-server's unchanged H2 backend (server/src/db/fixtures/StockH2.java) on `file`. */
async function startStockH2(file: string): Promise<{ uri: string; stop: () => Promise<void> }> {
  const lib = join(await ensureEmbeddedDatabase(), 'lib');
  const source = fileURLToPath(new URL('./fixtures/StockH2.java', import.meta.url));
  const child = spawn('java', ['-Xmx256m', '-cp', `${lib}/*`, source, file], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`StockH2 exited with ${code}: ${stderr}`)));
  });
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    stop: async () => {
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    },
  };
}

describe('the persistent embedded database’s storage', () => {
  it('gives back every BSON type as stored, and keeps unique keys unique, across a restart', async () => {
    const dataDir = await tempDir();
    const first = await startDatabase({ dataDir, maxHeap: '256m' });
    let documents: Document[];
    try {
      documents = await fill(first.uri, 300);
      await expectIntact(first.uri, documents);
    } finally {
      await first.stop();
    }
    const second = await startDatabase({ dataDir, maxHeap: '256m' });
    try {
      await expectIntact(second.uri, documents);
    } finally {
      await second.stop();
    }
  });

  it('keeps unique indexes right through updates that keep, change or collide on a key', async () => {
    const dataDir = await tempDir();
    const database = await startDatabase({ dataDir, maxHeap: '256m' });
    try {
      await withClient(database.uri, async (client) => {
        const leads = client.db('app').collection<{ _id: string } & Document>('leads');
        await leads.createIndex({ key: 1 }, { unique: true });
        await leads.createIndex({ 'owner.id': 1, n: 1 }, { unique: true });
        await leads.insertMany([
          { _id: 'a', key: 'k-a', owner: { id: 'o1' }, n: 1, status: 'new' },
          { _id: 'b', key: 'k-b', owner: { id: 'o1' }, n: 2, status: 'new' },
        ]);
        // Keys unchanged (status only, and 2 → 2.0, the same key to MongoDB): nothing collides.
        await leads.updateOne({ _id: 'a' }, { $set: { status: 'sent' } });
        await leads.updateOne({ _id: 'b' }, { $set: { n: new Double(2) } });
        expect(await leads.findOne({ key: 'k-a' })).toMatchObject({ _id: 'a', status: 'sent' });
        expect(await leads.findOne({ 'owner.id': 'o1', n: 2 })).toMatchObject({ _id: 'b' });
        // A changed key moves: found by the new value, gone from the old, and the old one is free.
        await leads.updateOne({ _id: 'a' }, { $set: { key: 'k-a2' } });
        expect(await leads.findOne({ key: 'k-a2' })).toMatchObject({ _id: 'a' });
        expect(await leads.findOne({ key: 'k-a' })).toBeNull();
        await leads.insertOne({ _id: 'c', key: 'k-a', owner: { id: 'o2' }, n: 1 });
        // Collisions are refused and change nothing: a top-level key, a nested one, one that becomes an array.
        await expect(leads.updateOne({ _id: 'b' }, { $set: { key: 'k-a2' } })).rejects.toMatchObject({ code: 11000 });
        await expect(leads.updateOne({ _id: 'b' }, { $set: { n: 1 } })).rejects.toMatchObject({ code: 11000 });
        await expect(leads.updateOne({ _id: 'c' }, { $set: { key: ['k-b', 'k-new'] } })).rejects.toMatchObject({ code: 11000 });
        await expect(leads.findOneAndUpdate({ _id: 'c' }, { $set: { owner: { id: 'o1' } } })).rejects.toMatchObject({ code: 11000 });
        expect(await leads.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
          { _id: 'a', key: 'k-a2', owner: { id: 'o1' }, n: 1, status: 'sent' },
          { _id: 'b', key: 'k-b', owner: { id: 'o1' }, n: 2, status: 'new' },
          { _id: 'c', key: 'k-a', owner: { id: 'o2' }, n: 1 },
        ]);
      });
    } finally {
      await database.stop();
    }
  });

  it('writes what every update changed, when its neighbours on the page are rewritten too', async () => {
    // mongo-java-server changes a stored document in place and puts the same object back; the
    // storage keeps documents' BSON between commits, so each change must reach the file.
    const dataDir = await tempDir();
    const first = await startDatabase({ dataDir, maxHeap: '256m' });
    const expected = new Map<string, Document>();
    try {
      await withClient(first.uri, async (client) => {
        const deliveries = client.db('app').collection<{ _id: string } & Document>('deliveries');
        await deliveries.createIndex({ status: 1, at: 1 });
        const all = Array.from({ length: 240 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}`, status: 'pending', attempts: 0, at: i, note: 'x' }));
        await deliveries.insertMany(all);
        for (const document of all) expected.set(document._id, { ...document });
        // Rounds of single updates of every kind, each committed alone, over documents that share leaf pages.
        for (let round = 1; round <= 4; round++) {
          for (let i = round % 3; i < all.length; i += 3) {
            const id = all[i]!._id;
            const before = expected.get(id)!;
            if (round === 1) {
              await deliveries.updateOne({ _id: id }, { $set: { status: 'sending' }, $inc: { attempts: 1 } });
              expected.set(id, { ...before, status: 'sending', attempts: (before.attempts as number) + 1 });
            } else if (round === 2) {
              await deliveries.findOneAndUpdate({ _id: id }, { $unset: { note: '' }, $set: { at: -i } });
              const { note: _gone, ...rest } = before;
              expected.set(id, { ...rest, at: -i });
            } else if (round === 3) {
              await deliveries.replaceOne({ _id: id }, { status: 'done', attempts: 9, at: i });
              expected.set(id, { _id: id, status: 'done', attempts: 9, at: i });
            } else {
              await deliveries.updateOne({ _id: id }, { $set: { status: `r${round}`, 'detail.code': i } });
              expected.set(id, { ...before, status: `r${round}`, detail: { code: i } });
            }
          }
        }
        await deliveries.updateMany({ status: 'pending' }, { $set: { status: 'failed' } });
        for (const [id, document] of expected) if (document.status === 'pending') expected.set(id, { ...document, status: 'failed' });
        expect(canonical(await deliveries.find({}).toArray())).toEqual(canonical([...expected.values()]));
      });
    } finally {
      await first.stop();
    }
    const second = await startDatabase({ dataDir, maxHeap: '256m' });
    try {
      const stored = await withClient(second.uri, (client) => client.db('app').collection('deliveries').find({}).toArray());
      expect(canonical(stored)).toEqual(canonical([...expected.values()]));
    } finally {
      await second.stop();
    }
  });

  it('converts a file written in H2’s default format when it opens, losing nothing', async () => {
    const dataDir = await tempDir();
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const stock = await startStockH2(join(dataDir, DATABASE_FILE));
    let documents: Document[];
    try {
      documents = await fill(stock.uri, 300);
      await expectIntact(stock.uri, documents);
    } finally {
      await stock.stop();
    }

    const converted = await startDatabase({ dataDir, maxHeap: '256m' });
    const added = everyType(1000);
    try {
      await expectIntact(converted.uri, documents);
      await withClient(converted.uri, (client) => client.db('app').collection('leads').insertOne(added));
    } finally {
      await converted.stop();
    }

    const reopened = await startDatabase({ dataDir, maxHeap: '256m' });
    try {
      await expectIntact(reopened.uri, [...documents, added]);
    } finally {
      await reopened.stop();
    }
  });
});
