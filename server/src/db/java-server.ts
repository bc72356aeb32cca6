import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The launcher's source and the Maven description of its jars, kept in the repository. */
const SOURCE_DIR = fileURLToPath(new URL('../../embedded-db/', import.meta.url));
const LAUNCHER = 'EmbeddedMongo';

/** Raised when Java or Maven is missing: the one sentence says what to install. */
export class EmbeddedDatabaseUnavailableError extends Error {}

/** Where built tools live: outside the clone, so a fresh clone (CI) reuses an earlier build. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NEBULAHEX_TOOLS_DIR) return env.NEBULAHEX_TOOLS_DIR;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nebulahex');
}

/** The launcher's Java sources (the launcher and the secondary indexes it installs). */
async function javaSources(): Promise<string[]> {
  return (await readdir(SOURCE_DIR)).filter((name) => name.endsWith('.java')).sort().map((name) => join(SOURCE_DIR, name));
}

/** The build folder is named by a hash of the pom and the Java sources: a change to any builds anew. */
async function buildDir(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [join(SOURCE_DIR, 'pom.xml'), ...(await javaSources())]) hash.update(await readFile(file));
  return join(toolsDir(), `mongo-java-server-${hash.digest('hex').slice(0, 12)}`);
}

const exists = (path: string) => access(path).then(() => true, () => false);

async function requireTool(command: string, args: string[]): Promise<void> {
  await run(command, args).catch(() => {
    throw new EmbeddedDatabaseUnavailableError(
      `The embedded database needs Java 17+ and Maven (\`${command}\` was not found; on Debian: apt-get install openjdk-17-jdk-headless maven), or set MONGODB_URI to a MongoDB.`,
    );
  });
}

/** Runs a command, printing a progress line every 10 s so a first build is never silent. */
async function runWithProgress(command: string, args: string[], what: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const ticker = setInterval(() => log(`  still ${what}… ${Math.round((Date.now() - started) / 1000)} s`), 10_000);
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${what} failed: ${`${stdout}\n${stderr}`.trim().slice(-2000)}`);
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Returns the folder holding the embedded database's jars (`lib/`) and compiled launcher
 * (`classes/`), resolving them from Maven Central with `mvn` and compiling with `javac` on
 * first use. Concurrent first runs each build into a temporary folder; the first rename wins.
 */
export async function ensureEmbeddedDatabase(log: (line: string) => void = () => {}): Promise<string> {
  const dir = await buildDir();
  if (await exists(join(dir, 'classes', `${LAUNCHER}.class`))) return dir;
  await requireTool('java', ['-version']);
  await requireTool('javac', ['-version']);
  await requireTool('mvn', ['--version']);

  log(`Fetching mongo-java-server with Maven into ${dir} (first run only, about 30-60 s)…`);
  const started = Date.now();
  await mkdir(toolsDir(), { recursive: true });
  const work = await mkdtemp(`${dir}.partial-`);
  try {
    const lib = join(work, 'lib');
    await runWithProgress('mvn', ['-B', '-q', '-f', join(SOURCE_DIR, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${lib}`], 'fetching jars', log);
    await runWithProgress('javac', ['-d', join(work, 'classes'), '-cp', `${lib}/*`, ...(await javaSources())], 'compiling the launcher', log);
    await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await exists(join(dir, 'classes')))) throw error; // another run finished first: use its build
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  log(`Embedded database ready in ${Math.round((Date.now() - started) / 1000)} s.`);
  return dir;
}

/** How an acknowledged write is kept by the persistent backend (see README, "The embedded database"). */
export type Durability = 'commit' | 'fsync' | 'interval';

export interface LaunchOptions {
  /** `memory` for tests; `h2` keeps data in `file`. */
  backend: 'memory' | 'h2';
  file?: string;
  durability?: Durability;
  /** The JVM's heap cap, as for `-Xmx` (`512m`, `2g`). */
  maxHeap: string;
  /** How long to wait for a database file another (stopping) process still holds. */
  lockWaitMs?: number;
}

export interface LaunchedDatabase {
  port: number;
  child: ChildProcess;
}

/**
 * Starts the launcher on a free loopback port. Its stdin stays open as long as this
 * process lives: when this process exits, however it dies, the database sees the end of
 * its stdin and stops, so it never outlives its server.
 */
export async function launchEmbeddedDatabase(dir: string, options: LaunchOptions): Promise<LaunchedDatabase> {
  const args = [
    `-Xmx${options.maxHeap}`,
    // G1 with a 10 ms pause goal, not the serial collector: with the serial one, young pauses of
    // 40-60 ms and a full one of 255 ms (H2's page cache lives in the heap) stalled every ingest
    // they met, p99 ingest→receipt 147-485 ms at 200 events/s; with G1 32 ms (ZGC 20 ms, for a
    // larger footprint), same run, same throughput within noise (measured 2026-12-05).
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=10',
    '-cp',
    `${join(dir, 'lib')}/*:${join(dir, 'classes')}`,
    LAUNCHER,
    '--backend',
    options.backend,
    ...(options.file ? ['--file', options.file] : []),
    ...(options.durability ? ['--durability', options.durability] : []),
    ...(options.lockWaitMs !== undefined ? ['--lock-wait-ms', String(options.lockWaitMs)] : []),
  ];
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const inUse = /^in use: (.*)$/m.exec(stderr);
      reject(new Error(inUse ? `${inUse[1]}: stop the other server first` : `the embedded database exited with ${code}: ${stderr.trim().slice(-1500)}`));
    });
  });
  child.stdout.resume(); // nothing more is read, but a full pipe must never block it
  return { port, child };
}
