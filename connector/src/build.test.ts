import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from './testing/harness.js';

const run = promisify(execFile);
const connectorDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/*
 * Keeps the CLI offline: no analytics, no update check, and any call it might still make to
 * Zapier goes to a closed local port and fails at once instead of leaving the machine.
 */
const offlineEnv = {
  ...process.env,
  DISABLE_ZAPIER_ANALYTICS: '1',
  NO_UPDATE_NOTIFIER: '1',
  ZAPIER_BASE_ENDPOINT: 'http://127.0.0.1:9',
};

const node = (script: string, ...args: string[]) =>
  run(process.execPath, [script, ...args], { cwd: connectorDir, env: offlineEnv, timeout: 120_000 });

const registered = {
  triggers: Object.keys(App.triggers).sort(),
  creates: Object.keys(App.creates).sort(),
  searches: Object.keys(App.searches).sort(),
};

describe('zapier-platform CLI', () => {
  it('validates the app definition (validate --without-style)', async () => {
    // --skip-build: the test run has built dist already (`tsc -b` before jest).
    const { stdout } = await node('scripts/zapier-platform.cjs', 'validate', '--without-style', '--skip-build');
    expect(stdout).toContain('No structural errors found');
    expect(stdout).toContain('This project is structurally sound!');
  }, 120_000);

  it('builds a zip that loads and lists every trigger, action and search', async () => {
    // `zapier-platform build --skip-dep-install --skip-validation`, plus the files its trace misses.
    await node('scripts/build-zip.cjs');
    const unpacked = mkdtempSync(path.join(tmpdir(), 'nebulahex-zapier-zip-'));
    try {
      await run('unzip', ['-q', path.join(connectorDir, 'build', 'build.zip'), '-d', unpacked]);
      expect(existsSync(path.join(unpacked, 'shared', 'dist', 'index.js'))).toBe(true);
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
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  }, 180_000);
});
