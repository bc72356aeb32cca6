import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../testing/wait.js';

// `node server/dist/main.js` on the embedded database, as an operator starts it with both
// SSRF guard flags set to false. Before the fix the server forced both to true on the
// embedded database and accepted http://127.0.0.1, 10.0.0.1 and the metadata address.
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

let dataDir: string;
let server: ChildProcess;
let baseUrl: string;
let output = '';

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nebulahex-boot-'));
  // What an older version left behind: a world-readable folder and file.
  await chmod(dataDir, 0o755);
  await mkdir(join(dataDir, 'old'), { mode: 0o755 });
  await writeFile(join(dataDir, 'old', 'left.txt'), 'x', { mode: 0o644 });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [MAIN], {
    env: {
      // What finds Java and the embedded database's cached build; nothing else of this environment (no MONGODB_URI).
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      JAVA_HOME: process.env.JAVA_HOME,
      XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
      NEBULAHEX_TOOLS_DIR: process.env.NEBULAHEX_TOOLS_DIR,
      PORT: String(port),
      DATA_DIR: dataDir,
      DEMO_SEED: 'false',
      WEBHOOK_ALLOW_HTTP: 'false',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => server.exitCode === null && (await fetch(`${baseUrl}/readyz`)).status === 200, {
    timeoutMs: 120_000,
    intervalMs: 200,
    message: 'the server to be ready',
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.slice(-3000)}`);
  });
}, 130_000);

afterAll(async () => {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  }
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

async function internal(path: string, body: unknown, token: string): Promise<any> {
  const response = await fetch(`${baseUrl}/internal/v1${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

describe('the server on the embedded database, started with both guard flags set to false', () => {
  it('says at startup that the values set by the operator apply', () => {
    expect(output).toContain(
      'webhook targets: https only (WEBHOOK_ALLOW_HTTP=false, set by you); public addresses only (WEBHOOK_ALLOW_PRIVATE_TARGETS=false, set by you)',
    );
  });

  it('refuses http, private, loopback and metadata targets', async () => {
    const secrets = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as { INTERNAL_API_TOKEN: string };
    const created = await internal('/workspaces', { name: 'Guards' }, secrets.INTERNAL_API_TOKEN);
    const auth = { Authorization: `Bearer ${created.apiKey.key as string}`, 'Content-Type': 'application/json' };
    for (const targetUrl of ['http://127.0.0.1:4200/x', 'https://10.0.0.1/x', 'http://169.254.169.254/latest/meta-data/', 'https://127.0.0.1/x']) {
      const response = await fetch(`${baseUrl}/api/v1/hooks`, { method: 'POST', headers: auth, body: JSON.stringify({ event: 'lead.captured', targetUrl }) });
      expect({ targetUrl, status: response.status }).toEqual({ targetUrl, status: 422 });
    }
  });

  it('keeps DATA_DIR private: the folder and its folders 0700, every file in it 0600, old ones included', async () => {
    const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['secrets.json', 'db', 'left.txt']));
    const modes = [dataDir, ...entries.filter((entry) => entry.isDirectory() || entry.isFile()).map((entry) => join(entry.parentPath, entry.name))];
    const open: string[] = [];
    for (const path of modes) {
      const { mode } = await stat(path);
      if ((mode & 0o077) !== 0) open.push(`${path} ${(mode & 0o777).toString(8)}`);
    }
    expect(open).toEqual([]);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });
});
