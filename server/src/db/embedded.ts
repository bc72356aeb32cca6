import { chmod, mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ensureEmbeddedDatabase, launchEmbeddedDatabase, type Durability } from './java-server.js';

export type DatabaseKind = 'external' | 'embedded';

export interface RunningDatabase {
  /** A connection string without a database name: append `/<db>` to use one. */
  uri: string;
  kind: DatabaseKind;
  description: string;
  /** The embedded database's process id (absent for an external MongoDB). */
  pid?: number;
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /** A real MongoDB: nothing is started. */
  mongodbUri?: string | undefined;
  /** Keep the data here (created if missing, private to this user); in memory otherwise. */
  dataDir?: string | undefined;
  durability?: Durability;
  /** The embedded database's heap cap, as for `-Xmx`. */
  maxHeap?: string;
  /** How long to wait for a data file that a stopping process still holds. */
  lockWaitMs?: number;
  log?: (line: string) => void;
}

/** The persistent backend's file inside the data directory. */
export const DATABASE_FILE = 'nebulahex.mv.db';

/**
 * Gives the process a MongoDB: the one `mongodbUri` names, else the embedded
 * mongo-java-server (in memory, or kept in `dataDir`), which stops when this process does.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<RunningDatabase> {
  if (options.mongodbUri) {
    return { uri: options.mongodbUri, kind: 'external', description: 'MongoDB at MONGODB_URI', stop: async () => {} };
  }
  const dir = await ensureEmbeddedDatabase(options.log);
  const file = options.dataDir ? join(options.dataDir, DATABASE_FILE) : undefined;
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
    await chmod(options.dataDir, 0o700);
  }
  const { port, child } = await launchEmbeddedDatabase(dir, {
    backend: file ? 'h2' : 'memory',
    maxHeap: options.maxHeap ?? '1g',
    ...(file ? { file, durability: options.durability ?? 'commit' } : {}),
    ...(options.lockWaitMs !== undefined ? { lockWaitMs: options.lockWaitMs } : {}),
  });
  const uri = `mongodb://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.stdin?.end(); // the launcher stops at the end of its stdin, committing its file
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPing(uri, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const where = file ? `kept in ${file} (durability: ${options.durability ?? 'commit'})` : 'in memory';
  return { uri, kind: 'embedded', description: `embedded mongo-java-server, ${where}`, pid: child.pid, stop };
}

/** Polls `ping` until the server answers or the deadline passes. */
async function waitForPing(uri: string, timeoutMs: number): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, directConnection: true });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => {});
  }
}
