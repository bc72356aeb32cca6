// `npm run fuzz`: schemathesis against the real server's OpenAPI document with a real key.
// Installs schemathesis into .tools/fuzz-venv (git-ignored) on first use, starts the built
// server on the embedded database, seeds a workspace, fuzzes every public operation with a
// bounded number of cases, prints a summary, stops the server and exits non-zero on failures.
// Options (environment): FUZZ_MAX_EXAMPLES (cases per operation and phase, default 25),
// FUZZ_SEED (reproduce a run), FUZZ_WORKERS (default 2).
import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, startServer } from '../bench/lib/server-process.mjs';
import { seedWorkspace } from './seed.mjs';
import { summarise } from './summary.mjs';

const run = promisify(execFile);
const VENV = join(REPO_ROOT, '.tools/fuzz-venv');
const SCHEMATHESIS = join(VENV, 'bin/schemathesis');
// No 5xx, answers match the document's schemas, every status and content type is documented.
const CHECKS = 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance';

async function ensureSchemathesis() {
  const requirements = join(REPO_ROOT, 'fuzz/requirements.txt');
  const wanted = (await readFile(requirements, 'utf8')).match(/schemathesis==(\S+)/)?.[1];
  const installed = await run(SCHEMATHESIS, ['--version']).then(({ stdout }) => stdout.trim().split(' ').pop(), () => undefined);
  if (installed === wanted) return;
  console.log(`Installing schemathesis ${wanted} into ${VENV} (first run only)…`);
  await access(join(VENV, 'bin/python')).catch(() => run('python3', ['-m', 'venv', VENV]));
  await run(join(VENV, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], { maxBuffer: 1 << 24 });
}

/** Runs schemathesis with its output on our terminal (cwd: its own folder, for its cache); answers its exit code. */
function schemathesis(args, cwd) {
  const child = spawn(SCHEMATHESIS, args, { stdio: 'inherit', cwd });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * One schemathesis run over the operations of one document (the public one, or the internal
 * one that only the internal token may read), authenticated with `token`. The document is
 * fetched with that token into the work folder, and schemathesis sends to the server's URL.
 */
async function fuzzApi({ name, server, documentPath, token, workDir }) {
  console.log(`\n=== ${name}: every operation of ${documentPath} ===`);
  const response = await fetch(`${server.baseUrl}${documentPath}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${documentPath} answered ${response.status}`);
  const schemaPath = join(workDir, `${name}-openapi.json`);
  await writeFile(schemaPath, await response.text());
  const reportPath = join(workDir, `${name}.json`);
  const code = await schemathesis([
    'run', schemaPath,
    '--url', server.baseUrl,
    '--header', `Authorization: Bearer ${token}`,
    '--checks', CHECKS,
    '--max-examples', process.env.FUZZ_MAX_EXAMPLES ?? '25',
    '--workers', process.env.FUZZ_WORKERS ?? '2',
    '--request-timeout', '15',
    '--report', 'json', '--report-json-path', reportPath,
    ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
  ], workDir);
  return { name, code, reportPath };
}

async function main() {
  await ensureSchemathesis();
  const server = await startServer({ label: 'fuzz', env: { RATE_LIMIT_MAX: '10000', RATE_LIMIT_WINDOW_SECONDS: '1', AUTH_FAILURES_MAX: '1000000' } });
  const workDir = await mkdtemp(join(tmpdir(), 'nebulahex-fuzz-'));
  const runs = [];
  try {
    const { apiKey } = await seedWorkspace(server);
    console.log(`Server ${server.baseUrl} (pid ${server.pid}), log ${server.logPath}; reports in ${workDir}.`);
    runs.push(await fuzzApi({ name: 'public', server, documentPath: '/api/v1/openapi.json', token: apiKey, workDir }));
    runs.push(await fuzzApi({ name: 'internal', server, documentPath: '/internal/v1/openapi.json', token: server.internalToken, workDir }));
  } finally {
    await server.stop();
  }
  console.log(await summarise(runs));
  process.exitCode = runs.length === 2 && runs.every((run) => run.code === 0) ? 0 : 1;
}

main().catch((error) => {
  console.error('fuzz: failed to run:', error);
  process.exit(1);
});
