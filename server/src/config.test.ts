import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, ConfigError, describeTargetGuards, loadConfig } from './config.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

describe('loadConfig', () => {
  it('gives every key its default when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', ROLE: 'all', RATE_LIMIT_MAX: 60, WEBHOOK_TIMEOUT_MS: 10_000 });
    expect(config.WEBHOOK_RETRY_SCHEDULE).toEqual([30, 120, 300, 900, 3600, 21_600, 86_400]);
  });

  it('parses numbers, flags and lists from strings', () => {
    const config = loadConfig({ PORT: '8080', WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_RETRY_SCHEDULE: '1, 2,3', ROLE: 'worker' });
    expect(config).toMatchObject({ PORT: 8080, WEBHOOK_ALLOW_HTTP: true, WEBHOOK_RETRY_SCHEDULE: [1, 2, 3], ROLE: 'worker' });
  });

  it('names every bad variable and the value it got', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', ROLE: 'boss' });
      } catch (thrown) {
        return thrown;
      }
      throw new Error('loadConfig accepted a bad environment');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect((error as ConfigError).message).toMatch(/ROLE: .*\(got "boss"\)/);
  });

  it('never echoes a secret it refuses', () => {
    expect(() => loadConfig({ INTERNAL_API_TOKEN: 'short-secret' })).toThrow(/INTERNAL_API_TOKEN: must be at least 32 characters$/m);
    expect(() => loadConfig({ INTERNAL_API_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});

describe('the OAuth client', () => {
  const client = { OAUTH_ZAPIER_CLIENT_ID: 'zapier-client', OAUTH_ZAPIER_CLIENT_SECRET: 'a-client-secret-of-at-least-32-chars!!', OAUTH_ZAPIER_REDIRECT_URIS: 'https://zapier.example/return, https://zapier.example/other' };

  it('is registered whole: id, secret and redirect URIs', () => {
    expect(loadConfig(client).OAUTH_ZAPIER_REDIRECT_URIS).toEqual(['https://zapier.example/return', 'https://zapier.example/other']);
    expect(() => loadConfig({ OAUTH_ZAPIER_CLIENT_ID: 'zapier-client' })).toThrow(/OAUTH_ZAPIER_CLIENT_SECRET: must be set with OAUTH_ZAPIER_CLIENT_ID/);
    expect(() => loadConfig({ ...client, OAUTH_ZAPIER_REDIRECT_URIS: '' })).toThrow(/OAUTH_ZAPIER_REDIRECT_URIS: needs at least one/);
    expect(() => loadConfig({ ...client, OAUTH_ZAPIER_REDIRECT_URIS: 'not a url' })).toThrow(/OAUTH_ZAPIER_REDIRECT_URIS/);
  });

  it('never echoes the client secret', () => {
    expect(() => loadConfig({ ...client, OAUTH_ZAPIER_CLIENT_SECRET: 'too-short-secret' })).toThrow(/OAUTH_ZAPIER_CLIENT_SECRET: must be at least 32 characters$/m);
    expect(() => loadConfig({ ...client, OAUTH_ZAPIER_CLIENT_SECRET: 'too-short-secret' })).not.toThrow(/too-short-secret/);
  });
});

describe('the SSRF guard flags', () => {
  const MONGODB_URI = 'mongodb://db.example:27017/nebulahex';
  const guards = (env: NodeJS.ProcessEnv) => {
    const config = loadConfig(env);
    return [config.WEBHOOK_ALLOW_HTTP, config.WEBHOOK_ALLOW_PRIVATE_TARGETS];
  };

  it('keep what the operator set, true or false, on either database', () => {
    const off = { WEBHOOK_ALLOW_HTTP: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: '0' };
    const on = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'yes' };
    expect(guards(off)).toEqual([false, false]); // embedded database: the case that used to be overridden
    expect(guards({ ...off, MONGODB_URI })).toEqual([false, false]);
    expect(guards(on)).toEqual([true, true]);
    expect(guards({ ...on, MONGODB_URI })).toEqual([true, true]);
    expect(guards({ WEBHOOK_ALLOW_HTTP: 'false' })).toEqual([false, true]);
  });

  it('take the development default only when unset: relaxed on the embedded database, strict with MONGODB_URI', () => {
    expect(guards({})).toEqual([true, true]);
    expect(guards({ WEBHOOK_ALLOW_HTTP: '', WEBHOOK_ALLOW_PRIVATE_TARGETS: '' })).toEqual([true, true]);
    expect(guards({ MONGODB_URI })).toEqual([false, false]);
  });

  it('are described at startup with where each value came from', () => {
    const env = { WEBHOOK_ALLOW_HTTP: 'false' };
    expect(describeTargetGuards(loadConfig(env), env)).toEqual({
      relaxed: true,
      line:
        'webhook targets: https only (WEBHOOK_ALLOW_HTTP=false, set by you); private and loopback addresses allowed ' +
        '(WEBHOOK_ALLOW_PRIVATE_TARGETS unset: the development default of the embedded database). Never run like this in production.',
    });
    const production = { MONGODB_URI };
    expect(describeTargetGuards(loadConfig(production), production)).toEqual({
      relaxed: false,
      line: 'webhook targets: https only (WEBHOOK_ALLOW_HTTP unset: the production default); public addresses only (WEBHOOK_ALLOW_PRIVATE_TARGETS unset: the production default)',
    });
  });
});

describe('the server process', () => {
  it('stops at boot with a message naming a bad variable', () => {
    const result = spawnSync(process.execPath, [mainJs], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('"not-a-port"');
    expect(result.stderr).toContain('did not start');
  });
});

describe('the README', () => {
  it('documents every configuration variable in its table', () => {
    const documented = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]));
    expect(CONFIG_KEYS.filter((key) => !documented.has(key))).toEqual([]);
    expect([...documented].filter((key) => !(CONFIG_KEYS as string[]).includes(key!))).toEqual([]);
  });
});
