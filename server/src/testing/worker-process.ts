import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestApp } from './app.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * `node server/dist/main.js` as a delivery worker process on a test app's database, with
 * its encryption key and local targets allowed; `env` adds or overrides settings. The
 * caller kills it (SIGKILL is what these tests are about).
 */
export function startWorkerProcess(app: TestApp, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      ROLE: 'worker',
      MONGODB_URI: app.databaseUri,
      ENCRYPTION_KEY: app.config.ENCRYPTION_KEY,
      INTERNAL_API_TOKEN: app.config.INTERNAL_API_TOKEN,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      DEMO_SEED: 'false',
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
