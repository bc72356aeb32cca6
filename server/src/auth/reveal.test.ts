import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callApi, createWorkspace, startTestApp, waitFor, type TestApp, type WorkspaceFixture } from '../testing/index.js';
import { apiKeyRevealModel } from './model.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp();
});
afterAll(() => testApp.close());

const call = (path: string, headers: Record<string, string>, init: { method?: string; body?: unknown } = {}) => callApi(testApp, path, { ...init, headers });

async function createKey(owner: WorkspaceFixture, body: Record<string, unknown>) {
  const created = await call('/auth/keys', owner.auth, { method: 'POST', body });
  expect(created.status).toBe(201);
  return created.body;
}

describe('POST /auth/keys/:keyId/reveal', () => {
  it('gives the full key once more, then 410', async () => {
    const owner = await createWorkspace(testApp);
    const created = await createKey(owner, { name: 'Zapier' });
    const revealed = await call(`/auth/keys/${created.id}/reveal`, owner.auth, { method: 'POST' });
    expect(revealed.status).toBe(200);
    expect(revealed.body).toEqual({ id: created.id, key: created.key });
    const again = await call(`/auth/keys/${created.id}/reveal`, owner.auth, { method: 'POST' });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('reveal_window_closed');
  });

  it('reveals to exactly one of several concurrent requests', async () => {
    const owner = await createWorkspace(testApp);
    const created = await createKey(owner, { name: 'Raced' });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, () => call(`/auth/keys/${created.id}/reveal`, owner.auth, { method: 'POST' }).then((response) => response.status)),
    );
    expect(statuses.sort()).toEqual([200, 410, 410, 410, 410, 410]);
  });

  it('answers 410 once the reveal window has passed, and destroys the sealed key', async () => {
    const owner = await createWorkspace(testApp);
    const created = await createKey(owner, { name: 'Late' });
    const Reveals = apiKeyRevealModel(testApp.connection);
    expect((await Reveals.findById(created.id).lean())?.sealedKey).toEqual(expect.any(String));
    await Reveals.updateOne({ _id: created.id }, { $set: { revealableUntil: new Date(Date.now() - 1000) } });
    expect((await call(`/auth/keys/${created.id}/reveal`, owner.auth, { method: 'POST' })).status).toBe(410);
    expect(await Reveals.findById(created.id).lean()).toBeNull();
  });

  it('answers 410 for a revoked key and 404 for an unknown one', async () => {
    const owner = await createWorkspace(testApp);
    const created = await createKey(owner, { name: 'Revoked' });
    await call(`/auth/keys/${created.id}`, owner.auth, { method: 'DELETE' });
    expect((await call(`/auth/keys/${created.id}/reveal`, owner.auth, { method: 'POST' })).status).toBe(410);
    expect((await call('/auth/keys/key_000000000000000000000000/reveal', owner.auth, { method: 'POST' })).status).toBe(404);
  });
});

describe('reveal window of 0 minutes', () => {
  it('never keeps the key for reveal', async () => {
    const app = await startTestApp({ config: { KEY_REVEAL_WINDOW_MINUTES: 0 } });
    try {
      const owner = await createWorkspace(app);
      expect(await apiKeyRevealModel(app.connection).findById(owner.apiKeyId).lean()).toBeNull();
      const response = await app.request(`/api/v1/auth/keys/${owner.apiKeyId}/reveal`, { method: 'POST', headers: owner.auth });
      expect(response.status).toBe(410);
    } finally {
      await app.close();
    }
  });
});

describe('expired reveal windows', () => {
  it('are swept: the sealed key is destroyed without anyone asking to reveal it', async () => {
    const app = await startTestApp();
    try {
      const owner = await createWorkspace(app);
      const Reveals = apiKeyRevealModel(app.connection);
      expect((await Reveals.findById(owner.apiKeyId).lean())?.sealedKey).toEqual(expect.any(String));
      await Reveals.updateOne({ _id: owner.apiKeyId }, { $set: { revealableUntil: new Date(Date.now() - 1000) } });
      expect((await app.request('/api/v1/auth/me', { headers: owner.auth })).status).toBe(200);
      await waitFor(async () => (await Reveals.findById(owner.apiKeyId).lean()) === null, { message: 'the sealed key to be destroyed' });
    } finally {
      await app.close();
    }
  });
});
