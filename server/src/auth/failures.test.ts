import { afterEach, describe, expect, it } from '@jest/globals';
import type { Config } from '../config.js';
import { createWorkspace, startTestApp, waitFor, type TestApp } from '../testing/index.js';

// Found by an adversarial test: 300 unknown keys from one address got 300 × 401, never a 429.
const unknownKey = (n: number) => ({ Authorization: `Bearer nhx_sk_${String(n).padStart(40, '0')}` });

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(config: Partial<Config>): Promise<TestApp> {
  app = await startTestApp({ config: { AUTH_FAILURES_MAX: 3, AUTH_FAILURES_WINDOW_SECONDS: 60, ...config } });
  return app;
}

const get = (testApp: TestApp, headers: Record<string, string>) => testApp.request('/api/v1/bots', { headers });

describe('failed authentication', () => {
  it('is limited per client address: 429 with Retry-After once the failures are used up, whatever key comes next', async () => {
    const testApp = await start({});
    const workspace = await createWorkspace(testApp);
    for (let n = 0; n < 5; n += 1) expect((await get(testApp, workspace.auth)).status).toBe(200); // successes do not count
    for (let n = 0; n < 3; n += 1) expect((await get(testApp, unknownKey(n))).status).toBe(401);
    const refused = await get(testApp, unknownKey(3));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({
      error: { code: 'too_many_auth_failures', message: expect.stringMatching(/^Too many failed authentication attempts from your address: try again in \d+ s\.$/) },
    });
    // Even the right key: a guesser must not learn which guess was right.
    expect((await get(testApp, workspace.auth)).status).toBe(429);
    // The internal API shares the count.
    const internal = await testApp.request('/internal/v1/workspaces', { method: 'POST', headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}` } });
    expect(internal.status).toBe(429);
  });

  it('counts the internal API token too, and lets the address in again once its window is over', async () => {
    const testApp = await start({ AUTH_FAILURES_WINDOW_SECONDS: 1 });
    const wrongToken = { method: 'POST', headers: { Authorization: 'Bearer not-the-internal-token' } };
    for (let n = 0; n < 3; n += 1) expect((await testApp.request('/internal/v1/workspaces', wrongToken)).status).toBe(401);
    expect((await testApp.request('/internal/v1/workspaces', wrongToken)).status).toBe(429);
    await waitFor(async () => (await get(testApp, unknownKey(9))).status === 401, { timeoutMs: 5_000, intervalMs: 200, message: 'the window to end' });
  });

  it('takes the address from X-Forwarded-For only behind a trusted proxy', async () => {
    const direct = await start({});
    const spoofed = (n: number) => ({ ...unknownKey(n), 'X-Forwarded-For': `203.0.113.${n}` });
    for (let n = 0; n < 3; n += 1) expect((await get(direct, spoofed(n))).status).toBe(401);
    expect((await get(direct, spoofed(3))).status).toBe(429); // a forged header does not buy new attempts
    await direct.close();

    const proxied = await start({ TRUST_PROXY: true });
    const from = (address: string) => ({ ...unknownKey(1), 'X-Forwarded-For': `198.51.100.7, ${address}` });
    for (let n = 0; n < 3; n += 1) expect((await get(proxied, from('203.0.113.1'))).status).toBe(401);
    expect((await get(proxied, from('203.0.113.1'))).status).toBe(429);
    expect((await get(proxied, from('203.0.113.2'))).status).toBe(401); // another client behind the same proxy
  });
});
