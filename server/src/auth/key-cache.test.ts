import { afterEach, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, waitFor, type TestApp } from '../testing/index.js';

// Two processes of one deployment: a key revoked through one is refused by the other once
// the other's cached read is API_KEY_CACHE_MS old, and not before.
const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
});

async function twoProcesses(otherCacheMs: number): Promise<{ first: TestApp; second: TestApp }> {
  const first = await startTestApp();
  apps.push(first);
  const second = await startTestApp({ config: { API_KEY_CACHE_MS: otherCacheMs, ENCRYPTION_KEY: first.config.ENCRYPTION_KEY }, databaseUri: first.databaseUri });
  apps.push(second);
  return { first, second };
}

const me = (app: TestApp, key: string) => app.request('/api/v1/auth/me', { headers: { Authorization: `Bearer ${key}` } }).then((answer) => answer.status);

async function memberKey(app: TestApp) {
  const owner = await createWorkspace(app);
  const created = await app.request('/api/v1/auth/keys', {
    method: 'POST',
    headers: { ...owner.auth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Zapier', role: 'member' }),
  });
  const { id, key } = (await created.json()) as { id: string; key: string };
  const revoke = () => app.request(`/api/v1/auth/keys/${id}`, { method: 'DELETE', headers: owner.auth }).then((answer) => answer.status);
  return { key, revoke };
}

describe('the API-key cache across processes', () => {
  it('lets another process keep a revoked key only while its cached read is younger than its window', async () => {
    const { first, second } = await twoProcesses(60_000);
    const { key, revoke } = await memberKey(first);
    expect(await me(second, key)).toBe(200); // read and cached by the second process
    expect(await revoke()).toBe(204);
    expect(await me(first, key)).toBe(401); // the revoking process forgets it at once
    expect(await me(second, key)).toBe(200); // within the second's window: still trusted
  });

  it('refuses a key revoked through another process once the window has passed', async () => {
    const { first, second } = await twoProcesses(300);
    const { key, revoke } = await memberKey(first);
    expect(await me(second, key)).toBe(200);
    expect(await revoke()).toBe(204);
    await waitFor(async () => (await me(second, key)) === 401, { timeoutMs: 10_000, message: 'the other process to refuse the revoked key' });
  });

  it('reads a key once for the requests that miss the cache together', async () => {
    const { first, second } = await twoProcesses(1_000);
    const { key } = await memberKey(first);
    const finds: string[] = [];
    second.connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command.find === 'apikeys') finds.push(event.commandName);
    });
    const bots = () => second.request('/api/v1/bots', { headers: { Authorization: `Bearer ${key}` } }).then((answer) => answer.status);
    expect(await Promise.all(Array.from({ length: 10 }, bots))).toEqual(Array(10).fill(200));
    expect(finds).toHaveLength(1);
  });

  it('reads the key on every request when the window is 0', async () => {
    const { first, second } = await twoProcesses(0);
    const { key, revoke } = await memberKey(first);
    expect(await me(second, key)).toBe(200);
    expect(await revoke()).toBe(204);
    expect(await me(second, key)).toBe(401);
  });
});
