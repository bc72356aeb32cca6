import { describe, expect, it } from '@jest/globals';
import { api, appTester, authFunction, buildBundle, caught, useNock } from './testing/harness.js';

useNock();

const me = {
  workspace: { id: 'ws_684ad9015e9b2a41d07c3d01', name: 'Acme Support' },
  apiKey: { id: 'key_684ad9015e9b2a41d07c3d02', name: 'Zapier', prefix: 'nhx_sk_test', role: 'admin', createdAt: '2025-06-12T10:00:00.000Z' },
};

describe('authentication', () => {
  it('tests the key against GET /auth/me with the bearer key', async () => {
    api().get('/api/v1/auth/me').reply(200, me);
    const result = await appTester(authFunction('test'), buildBundle());
    expect(result).toEqual(me);
  });

  it('labels the connection with the workspace name', async () => {
    const label = await appTester(authFunction('connectionLabel'), buildBundle({ inputData: me }));
    expect(label).toBe('Acme Support');
  });

  it('turns a rejected key into ExpiredAuthError that says how to reconnect', async () => {
    api().get('/api/v1/auth/me').reply(401, { error: { code: 'unauthorized', message: 'A valid API key is required.' } });
    const error = await caught(() => appTester(authFunction('test'), buildBundle()));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toMatch(/Reconnect your NebulaHex account/);
    expect(error.message).toMatch(/https:\/\/nebulahex\.com\/settings\/api-keys/);
  });

  it('reads the base URL from NEBULAHEX_API_URL', async () => {
    process.env.NEBULAHEX_API_URL = 'https://eu.nebulahex.test/';
    try {
      const { default: nock } = await import('nock');
      nock('https://eu.nebulahex.test').get('/api/v1/auth/me').reply(200, me);
      await expect(appTester(authFunction('test'), buildBundle())).resolves.toEqual(me);
    } finally {
      delete process.env.NEBULAHEX_API_URL;
    }
  });
});
