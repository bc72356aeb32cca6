// Starts the real server (server/dist/main.js, built beforehand) as a child process on the
// embedded database, the way an operator runs it: own port, own DATA_DIR, own secrets.
// Used by the fuzzer and the benchmarks, which must measure and attack the real process.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A port nobody listens on right now (the OS picks it). */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition, { timeoutMs, message, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((done) => setTimeout(done, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
}

/**
 * Starts `node server/dist/main.js` on 127.0.0.1 with a fresh temporary DATA_DIR and fresh
 * secrets; resolves once /readyz answers 200. `env` overrides any setting (config.ts names).
 * `stop()` sends SIGTERM (the graceful shutdown), waits for the exit and removes the folder.
 * `nodeArgs` go before the script (e.g. `--import` a probe, `--cpu-prof`).
 */
export async function startServer({ env = {}, label = 'server', nodeArgs = [] } = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), `nebulahex-${label}-`));
  const port = await freePort();
  const internalToken = randomBytes(32).toString('base64url');
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, 'server/dist/main.js')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      INTERNAL_API_TOKEN: internalToken,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = once(child, 'exit');
  // Never leave the server behind when this process ends early (an error, Ctrl-C).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping = false;
  let crashed = false;
  child.on('exit', (code, signal) => {
    if (stopping) return;
    crashed = true;
    console.error(`\n${label}: the server exited unexpectedly (code ${code}, signal ${signal}); its log is kept at ${logPath}`);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    stopping = true;
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 40_000);
      await exited;
      clearTimeout(force);
    }
    log.end();
    if (!crashed && !process.env.NEBULAHEX_KEEP_DATA) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // A server that exits (bad configuration, say) fails the start at once, not after the timeout.
    const died = exited.then(([code, signal]) => { throw new Error(`${label} exited before it was ready (code ${code}, signal ${signal})`); });
    died.catch(() => {}); // a later, normal stop must not count as an unhandled rejection
    await Promise.race([
      died,
      waitFor(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, { timeoutMs: 120_000, message: `${label} never became ready` }),
    ]);
  } catch (error) {
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).slice(-3000);
    await stop();
    throw new Error(`${error.message}\n${tail}`);
  }
  return { baseUrl, pid: child.pid, internalToken, logPath, dataDir, stop, internal: internalClient(baseUrl, internalToken) };
}

/** POSTs JSON to the internal API; answers the parsed body, throws on a non-2xx status. */
function internalClient(baseUrl, token) {
  return async (path, body) => {
    const response = await fetch(`${baseUrl}/internal/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /internal/v1${path} answered ${response.status}: ${text}`);
    return JSON.parse(text);
  };
}

/**
 * The server every benchmark measures: defaults, except that it may deliver to the bench's
 * receivers on loopback over plain HTTP, and a rate limit the load never reaches (the limiter
 * stays on: its cost is part of every request).
 */
export function startBenchServer({ databaseUri, label, nodeArgs = [], env = {} }) {
  return startServer({
    label,
    nodeArgs,
    env: {
      MONGODB_URI: databaseUri,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      RATE_LIMIT_MAX: '10000',
      RATE_LIMIT_WINDOW_SECONDS: '1',
      ...env,
    },
  });
}
