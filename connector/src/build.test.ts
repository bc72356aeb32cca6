import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from './testing/harness.js';

const run = promisify(execFile);
const connectorDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(connectorDir, 'scripts', 'zapier-platform.cjs');

/*
 * The release build, as `zapier-platform build` makes it for `push`: in a clean copy of the
 * connector, with its dependencies installed from the package registry. Zapier's servers are kept
 * out: no analytics, no update check, and any call the CLI might still make to Zapier goes to a
 * closed local port and fails at once (the remote style check is skipped: --skip-validation).
 */
const offlineEnv = {
  ...process.env,
  DISABLE_ZAPIER_ANALYTICS: '1',
  NO_UPDATE_NOTIFIER: '1',
  ZAPIER_BASE_ENDPOINT: 'http://127.0.0.1:9',
};

const registered = {
  triggers: Object.keys(App.triggers).sort(),
  creates: Object.keys(App.creates).sort(),
  searches: Object.keys(App.searches).sort(),
};

let unpacked: string;

beforeAll(async () => {
  await run(process.execPath, [cli, 'build', '--skip-validation'], { cwd: connectorDir, env: offlineEnv, timeout: 240_000 });
  unpacked = mkdtempSync(path.join(tmpdir(), 'nebulahex-zapier-zip-'));
  await run('unzip', ['-q', path.join(connectorDir, 'build', 'build.zip'), '-d', unpacked]);
}, 300_000);

afterAll(() => rmSync(unpacked, { recursive: true, force: true }));

describe('zapier-platform build', () => {
  it('depends on published packages only: the shared code is bundled in', () => {
    const packageJson = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(packageJson.dependencies)).toEqual(['zapier-platform-core']);
    const bundle = readFileSync(path.join(unpacked, 'bundle', 'index.js'), 'utf8');
    expect(bundle).not.toContain('@nebulahex/shared');
    expect(bundle).toContain('lead.captured');
  });

  it('builds a zip that loads in plain Node and lists every trigger, action and search', async () => {
    const load =
      "const { appRaw, handler } = await import('./zapierwrapper.js');" +
      "if (typeof handler !== 'function') throw new Error('no Lambda handler');" +
      'const keys = (o) => Object.keys(o ?? {}).sort();' +
      'console.log(JSON.stringify({ triggers: keys(appRaw.triggers), creates: keys(appRaw.creates), searches: keys(appRaw.searches) }));';
    // Plain Node, as Zapier's runtime loads it: no flags, `module-sync` resolution on.
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', load], { cwd: unpacked, env: offlineEnv, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual(registered);
    const definition = JSON.parse(readFileSync(path.join(unpacked, 'definition.json'), 'utf8')) as typeof registered;
    expect(Object.keys(definition.triggers).sort()).toEqual(registered.triggers);
  }, 60_000);

  it('builds a zip whose app passes the schema validation of `validate --without-style`', async () => {
    // `zapier-platform validate --without-style` asks the app's own core for {command: 'validate'}
    // (the CLI's localAppCommand); the zip holds only the core files the app uses, so its Lambda
    // handler is asked directly, as Zapier asks it.
    const validate =
      "const { handler } = await import('./zapierwrapper.js');" +
      "const { results } = await handler({ command: 'validate' });" +
      'console.log(JSON.stringify(results));';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', validate], { cwd: unpacked, env: offlineEnv, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([]);
  }, 60_000);

  it('validates the app in the repository too', async () => {
    // --skip-build: the build above has just run `_zapier-build` (tsc -b and the bundle).
    const { stdout } = await run(process.execPath, [cli, 'validate', '--without-style', '--skip-build'], { cwd: connectorDir, env: offlineEnv, timeout: 120_000 });
    expect(stdout).toContain('This project is structurally sound!');
  }, 120_000);
});
