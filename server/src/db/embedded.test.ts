import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { startDatabase, type RunningDatabase } from './embedded.js';
import { waitFor } from '../testing/wait.js';
import { testServerUri } from '../testing/database.js';

// The persistent backend `npm start` uses: what the server acknowledged must survive a
// SIGKILL of the database, and the database must never outlive its server.
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nhx-embedded-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function start(dataDir: string, lockWaitMs?: number): Promise<RunningDatabase> {
  const database = await startDatabase({ dataDir, maxHeap: '256m', ...(lockWaitMs !== undefined ? { lockWaitMs } : {}) });
  cleanups.push(() => database.stop());
  return database;
}

async function withClient<T>(uri: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await new MongoClient(uri, { directConnection: true }).connect();
  try {
    return await use(client);
  } finally {
    await client.close(true);
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A server stand-in in its own process: starts the embedded database and prints its pid. */
async function startParent(dataDir: string): Promise<{ parent: ChildProcess; databasePid: number; uri: string }> {
  const module = new URL('../../dist/db/embedded.js', import.meta.url).pathname;
  const script = `const { startDatabase } = await import(${JSON.stringify(module)});
const db = await startDatabase({ dataDir: ${JSON.stringify(dataDir)}, maxHeap: '256m' });
console.log(JSON.stringify({ pid: db.pid, uri: db.uri }));
setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(async () => {
    if (parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
  });
  const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
  const { pid, uri } = JSON.parse(line.toString()) as { pid: number; uri: string };
  return { parent, databasePid: pid, uri };
}

describe('the embedded database kept on disk', () => {
  it('keeps every acknowledged write when the database process is killed with SIGKILL', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    const acknowledged = 400;
    await withClient(first.uri, async (client) => {
      const events = client.db('durability').collection<{ _id: number; writer: number }>('events');
      // 16 concurrent writers, as the server's connection pool would send them.
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          for (let n = writer; n < acknowledged; n += 16) await events.insertOne({ _id: n, writer });
        }),
      );
      await events.updateOne({ _id: 0 }, { $set: { updated: true } });
    });
    process.kill(first.pid!, 'SIGKILL');
    await waitFor(() => !isAlive(first.pid!), { timeoutMs: 10_000, message: 'the database to die' });

    const second = await start(dataDir);
    await withClient(second.uri, async (client) => {
      const events = client.db('durability').collection('events');
      expect(await events.countDocuments()).toBe(acknowledged);
      expect(await events.findOne({ _id: 0 as never })).toMatchObject({ updated: true });
    });
  });

  it('keeps the data directory private to its user', async () => {
    const dataDir = join(await tempDir(), 'db');
    await start(dataDir);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it('stops when the process that started it is killed, and the next start takes its data over', async () => {
    const dataDir = await tempDir();
    const { parent, databasePid, uri } = await startParent(dataDir);
    await withClient(uri, (client) => client.db('takeover').collection('notes').insertOne({ _id: 'before' as never }));

    parent.kill('SIGKILL');
    await waitFor(() => !isAlive(databasePid), { timeoutMs: 15_000, message: 'the orphaned database to stop' });

    const next = await start(dataDir);
    expect(await withClient(next.uri, (client) => client.db('takeover').collection('notes').countDocuments())).toBe(1);
  });

  it('refuses a second database on a data directory that a running one holds', async () => {
    const dataDir = await tempDir();
    await start(dataDir);
    await expect(start(dataDir, 500)).rejects.toThrow(/locked by another running database process: stop the other server first/);
  });
});

describe('the embedded database under concurrent schema changes', () => {
  it('fails and loses no write that races the creation of its collection and an index on it', async () => {
    const failures: string[] = [];
    await withClient(testServerUri(), async (a) => {
      await withClient(testServerUri(), async (b) => {
        for (let round = 0; round < 300; round++) {
          const db = `schema_race_${round % 5}`;
          const name = `c${round}`;
          const results = await Promise.allSettled([
            a.db(db).createCollection(name).catch(() => undefined), // "already exists" is an answer, not a failure
            b.db(db).collection(name).createIndex({ x: 1 }),
            b.db(db).collection<{ _id: number }>(name).insertOne({ _id: 1 }),
            a.db(db).collection<{ _id: number }>(name).insertOne({ _id: 2 }),
          ]);
          for (const result of results) if (result.status === 'rejected') failures.push(`${db}.${name}: ${String(result.reason)}`);
          if ((await a.db(db).collection(name).countDocuments()) !== 2) failures.push(`${db}.${name}: a document is missing`);
        }
        for (let n = 0; n < 5; n++) await a.db(`schema_race_${n}`).dropDatabase();
      });
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
