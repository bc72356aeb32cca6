import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { ensureFerretDb, hasGo, spawnFerretDb, FERRETDB_BUILD } from './ferretdb.js';

export type DatabaseKind = 'external' | 'ferretdb' | 'mongodb-memory-server';

export interface RunningDatabase {
  /** A connection string without a database name: append `/<db>` to use one. */
  uri: string;
  kind: DatabaseKind;
  description: string;
  /** Driver options suited to this server (see FERRETDB_CLIENT_OPTIONS). */
  clientOptions: { maxPoolSize?: number };
  stop(): Promise<void>;
}

/**
 * SQLite lets one transaction write at a time, and a writer that finds the lock taken
 * sleeps and retries (1, 2, 5, 10 ms…) rather than queueing. A smaller pool queues the
 * commands in the driver instead: with 8 connections the benchmark's ingest rate was
 * 1.7× that with the driver's default 100 (measured 2026-11-23, see BENCHMARKS.md).
 */
export const FERRETDB_CLIENT_OPTIONS = { maxPoolSize: 8 };

export interface StartDatabaseOptions {
  /** A real MongoDB: nothing is started. */
  mongodbUri?: string;
  /** Keep the data here (created if missing); a temporary folder, removed on stop, otherwise. */
  dataDir?: string;
  log?: (line: string) => void;
}

/**
 * Gives the process a MongoDB-compatible database: the one `mongodbUri` names, else an
 * embedded FerretDB built with Go, else (no Go on the machine) mongodb-memory-server.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<RunningDatabase> {
  const log = options.log ?? (() => {});
  if (options.mongodbUri) {
    return { uri: options.mongodbUri, kind: 'external', description: 'MongoDB at MONGODB_URI', clientOptions: {}, stop: async () => {} };
  }
  if (await hasGo()) return startFerretDb(options, log);
  log('Go was not found: falling back to mongodb-memory-server (it downloads a mongod binary).');
  return startMemoryServer(options);
}

async function startFerretDb(options: StartDatabaseOptions, log: (line: string) => void): Promise<RunningDatabase> {
  const binary = await ensureFerretDb(log);
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nebulahex-db-')));
  await mkdir(dataDir, { recursive: true });

  const port = await freePort();
  const { uri, child } = spawnFerretDb(binary, port, dataDir);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForPing(uri, () => child.exitCode !== null, 30_000);
  } catch (error) {
    await stop();
    throw new Error(`FerretDB did not start: ${(error as Error).message}\n${stderr}`.trim());
  }
  return { uri, kind: 'ferretdb', description: `FerretDB ${FERRETDB_BUILD} (SQLite) in ${dataDir}`, clientOptions: FERRETDB_CLIENT_OPTIONS, stop };
}

async function startMemoryServer(options: StartDatabaseOptions): Promise<RunningDatabase> {
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = await MongoMemoryServer.create({
    instance: { ip: '127.0.0.1', ...(options.dataDir ? { dbPath: options.dataDir } : {}) },
  });
  const uri = server.getUri().replace(/\/$/, '');
  return {
    uri,
    kind: 'mongodb-memory-server',
    description: 'mongodb-memory-server',
    clientOptions: {},
    stop: async () => {
      await server.stop();
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

/** Polls `ping` until the server answers, it exits, or the deadline passes. */
async function waitForPing(uri: string, hasExited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, directConnection: true });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.close().catch(() => {});
    }
  }
  throw new Error(`no answer to ping within ${timeoutMs} ms (${String(lastError)})`);
}
