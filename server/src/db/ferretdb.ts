import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, cp, mkdir, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { applyPatches, FERRETDB_PATCHES } from './ferretdb-patches.js';

const run = promisify(execFile);

/** The FerretDB release we build: the last 1.x, whose SQLite backend needs no other server. */
export const FERRETDB_VERSION = 'v1.24.2';
const MODULE = 'github.com/FerretDB/FerretDB';

/** Where built tools live: outside the clone, so a fresh clone (CI) reuses an earlier build. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NEBULAHEX_TOOLS_DIR) return env.NEBULAHEX_TOOLS_DIR;
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'nebulahex');
}

/** Names the build: a change to the patches builds anew instead of reusing an older binary. */
export const FERRETDB_BUILD = `${FERRETDB_VERSION}-p${createHash('sha256').update(JSON.stringify(FERRETDB_PATCHES)).digest('hex').slice(0, 8)}`;

export function ferretDbBinary(dir = toolsDir()): string {
  return join(dir, `ferretdb-${FERRETDB_BUILD}`, 'ferretdb');
}

async function exists(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

export async function hasGo(): Promise<boolean> {
  return run('go', ['version']).then(
    () => true,
    () => false,
  );
}

/**
 * Returns the FerretDB binary, building it with Go on first use.
 *
 * `go install …@version` cannot be used: it asks the module proxy for the module's
 * version list, which the proxy refuses for FerretDB. So the module is downloaded at a
 * fixed version and built from a writable copy, which also lets us write the
 * `build/version/version.txt` that FerretDB's own build step would generate, and apply
 * the small fixes in `ferretdb-patches.ts`.
 */
export async function ensureFerretDb(log: (line: string) => void = () => {}): Promise<string> {
  const binary = ferretDbBinary();
  if (await exists(binary)) return binary;

  log(`Building FerretDB ${FERRETDB_BUILD} with Go into ${binary} (first run only, about 2-4 minutes)…`);
  const started = Date.now();
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  const { stdout } = await run('go', ['mod', 'download', '-json', `${MODULE}@${FERRETDB_VERSION}`], { env });
  const source = (JSON.parse(stdout) as { Dir: string }).Dir;

  const work = await mkdtemp(join(tmpdir(), 'ferretdb-src-'));
  try {
    await cp(source, work, { recursive: true });
    // The module cache is read-only; the copy must be writable to add version.txt.
    await run('chmod', ['-R', 'u+w', work]);
    await writeFile(join(work, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    await applyPatches(work);
    await mkdir(join(binary, '..'), { recursive: true });
    const partial = `${binary}.partial`;
    const ticker = setInterval(() => log(`  still compiling FerretDB… ${Math.round((Date.now() - started) / 1000)} s`), 15_000);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        'go',
        ['build', '-trimpath', '-tags', 'ferretdb_no_postgresql', '-o', partial, './cmd/ferretdb'],
        { cwd: work, env: { ...env, GOFLAGS: '-mod=readonly' }, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go build exited with ${code}`))));
    }).finally(() => clearInterval(ticker));
    await run('mv', [partial, binary]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  log(`FerretDB ${FERRETDB_BUILD} built in ${Math.round((Date.now() - started) / 1000)} s.`);
  return binary;
}

export interface FerretDbProcess {
  uri: string;
  child: ChildProcess;
}

/** Starts FerretDB (SQLite backend) on 127.0.0.1:port with its files in dataDir. */
export function spawnFerretDb(binary: string, port: number, dataDir: string): FerretDbProcess {
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      // WAL (FerretDB's default) with synchronous=NORMAL: a commit survives the process
      // being killed; only a power loss may drop the last ones. FULL syncs every commit to disk.
      `--sqlite-url=file:${dataDir}/?_pragma=synchronous(normal)`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      // The debug listener defaults to a fixed port, which would collide between instances.
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { uri: `mongodb://127.0.0.1:${port}`, child };
}
