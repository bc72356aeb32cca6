import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, waitFor, type TestApp, type WorkspaceFixture } from '../testing/index.js';
import { apiKeyModel, apiKeyRevealModel } from './model.js';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await startTestApp({ config: { AUTH_FAILURES_MAX: 1_000 } }); // these tests fail authentication on purpose, many times (limits: failures.test.ts)
});
afterAll(() => testApp.close());

type Json = Record<string, any>;
const call = async (path: string, headers: Record<string, string>, init: { method?: string; body?: unknown } = {}) => {
  const response = await testApp.request(`/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { ...headers, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Json };
};
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function createKey(owner: WorkspaceFixture, body: Json) {
  const created = await call('/auth/keys', owner.auth, { method: 'POST', body });
  expect(created.status).toBe(201);
  return created.body;
}

describe('API key authentication', () => {
  it.each([
    ['missing', {}, 'missing_api_key'],
    ['not a bearer', { Authorization: 'Basic dXNlcjpwYXNz' }, 'missing_api_key'],
    ['malformed', bearer('sk_live_123'), 'malformed_api_key'],
    ['too short', bearer('nhx_sk_abc'), 'malformed_api_key'],
    ['unknown', bearer(`nhx_sk_${'a'.repeat(40)}`), 'invalid_api_key'],
  ])('answers 401 when the key is %s', async (_label, headers, code) => {
    const response = await call('/auth/me', headers as Record<string, string>);
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe(code);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
  });

  it('stops accepting a key as soon as it is revoked', async () => {
    const owner = await createWorkspace(testApp);
    const member = await createKey(owner, { name: 'Zapier' });
    expect((await call('/auth/me', bearer(member.key))).status).toBe(200);
    expect((await call(`/auth/keys/${member.id}`, owner.auth, { method: 'DELETE' })).status).toBe(204);
    const after = await call('/auth/me', bearer(member.key));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('api_key_revoked');
  });

  it('reads a key once by its hash, then serves its requests from the cache for a while', async () => {
    const owner = await createWorkspace(testApp);
    const lookups: Record<string, unknown>[] = [];
    testApp.connection.set('debug', (collection: string, method: string, filter: Record<string, unknown>) => {
      if (collection === 'apikeys' && method === 'findOne' && 'hash' in filter) lookups.push(filter);
    });
    try {
      expect((await call('/auth/me', owner.auth)).status).toBe(200);
      expect((await call('/auth/me', owner.auth)).status).toBe(200);
    } finally {
      testApp.connection.set('debug', false);
    }
    expect(lookups).toEqual([{ hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('records lastUsedAt without a write per request', async () => {
    const owner = await createWorkspace(testApp);
    await call('/auth/me', owner.auth);
    const ApiKeys = apiKeyModel(testApp.connection);
    const first = await waitFor(async () => (await ApiKeys.findById(owner.apiKeyId).lean())?.lastUsedAt, { message: 'lastUsedAt' });
    await call('/auth/me', owner.auth);
    await call('/auth/me', owner.auth);
    expect((await ApiKeys.findById(owner.apiKeyId).lean())?.lastUsedAt?.getTime()).toBe(first.getTime());
    const listed = await call('/auth/keys', owner.auth);
    expect(listed.body.keys[0].lastUsedAt).toBe(first.toISOString());
  });

  it('stores only a hash and a display prefix of the key', async () => {
    const owner = await createWorkspace(testApp);
    const stored = await apiKeyModel(testApp.connection).findById(owner.apiKeyId).lean();
    expect(JSON.stringify(stored)).not.toContain(owner.apiKey);
    expect(stored?.prefix).toBe(owner.apiKey.slice(0, 13));
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    const sealed = await apiKeyRevealModel(testApp.connection).findById(owner.apiKeyId).lean();
    expect(sealed?.sealedKey).not.toContain(owner.apiKey.slice(7));
  });

  it('keeps a revocation however busy the key is', async () => {
    const owner = await createWorkspace(testApp);
    const busy = await createKey(owner, { name: 'Busy' });
    // Requests with the key (lastUsedAt stamps) race the revocation: it must stick.
    await Promise.all([
      ...Array.from({ length: 5 }, () => call('/auth/me', bearer(busy.key))),
      call(`/auth/keys/${busy.id}`, owner.auth, { method: 'DELETE' }),
      ...Array.from({ length: 5 }, () => call('/auth/me', bearer(busy.key))),
    ]);
    expect((await call('/auth/me', bearer(busy.key))).status).toBe(401);
    expect((await apiKeyModel(testApp.connection).findById(busy.id).lean())?.revokedAt).toEqual(expect.any(Date));
  });
});

describe('GET /auth/me', () => {
  it('describes the calling key and its workspace', async () => {
    const owner = await createWorkspace(testApp, 'Acme Support');
    const me = await call('/auth/me', owner.auth);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      workspace: { id: owner.workspaceId, name: 'Acme Support' },
      apiKey: { id: owner.apiKeyId, name: 'Admin key', prefix: owner.apiKey.slice(0, 13), role: 'admin', createdAt: expect.any(String) },
    });
  });
});

describe('/auth/keys', () => {
  it('creates a member key by default and lists keys without their secrets', async () => {
    const owner = await createWorkspace(testApp);
    const created = await createKey(owner, { name: 'Zapier' });
    expect(created).toEqual({ id: expect.stringMatching(/^key_/), name: 'Zapier', prefix: created.key.slice(0, 13), role: 'member', key: expect.stringMatching(/^nhx_sk_[A-Za-z0-9]{32,}$/), createdAt: expect.any(String) });
    const listed = await call('/auth/keys', owner.auth);
    expect(listed.status).toBe(200);
    expect(listed.body.keys.map((key: Json) => key.id).sort()).toEqual([owner.apiKeyId, created.id].sort());
    expect(JSON.stringify(listed.body)).not.toContain(created.key);
    expect(listed.body.keys.find((key: Json) => key.id === created.id)).toEqual({
      id: created.id, name: 'Zapier', prefix: created.prefix, role: 'member', createdAt: created.createdAt, lastUsedAt: null, revokedAt: null,
    });
  });

  it('lets member keys do everything but manage keys (403 admin_key_required)', async () => {
    const owner = await createWorkspace(testApp);
    const member = await createKey(owner, { name: 'Member', role: 'member' });
    const headers = bearer(member.key);
    expect((await call('/auth/me', headers)).status).toBe(200);
    expect((await call('/bots', headers)).status).toBe(200);
    for (const [method, path] of [['GET', '/auth/keys'], ['POST', '/auth/keys'], ['POST', `/auth/keys/${owner.apiKeyId}/reveal`], ['DELETE', `/auth/keys/${owner.apiKeyId}`]] as const) {
      const response = await call(path, headers, { method, body: method === 'POST' ? { name: 'x' } : undefined });
      expect([method, path, response.status, response.body.error.code]).toEqual([method, path, 403, 'admin_key_required']);
    }
    expect((await call('/auth/me', owner.auth)).status).toBe(200);
  });

  it('lets a new admin key manage keys', async () => {
    const owner = await createWorkspace(testApp);
    const admin = await createKey(owner, { name: 'Second admin', role: 'admin' });
    expect((await call('/auth/keys', bearer(admin.key))).status).toBe(200);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', role: 'owner' }, 'role'],
    [{ name: { $ne: null } }, 'name'],
    [{ name: 'x', workspaceId: 'ws_1' }, 'workspaceId'],
  ])('answers 422 for %j naming %s', async (body, field) => {
    const owner = await createWorkspace(testApp);
    const response = await call('/auth/keys', owner.auth, { method: 'POST', body });
    expect(response.status).toBe(422);
    expect(response.body.error.details.map((detail: Json) => detail.field)).toContain(field);
  });

  it('revoking twice is harmless; an unknown key is 404', async () => {
    const owner = await createWorkspace(testApp);
    const member = await createKey(owner, { name: 'x' });
    expect((await call(`/auth/keys/${member.id}`, owner.auth, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`/auth/keys/${member.id}`, owner.auth, { method: 'DELETE' })).status).toBe(204);
    const listed = await call('/auth/keys', owner.auth);
    expect(listed.body.keys.find((key: Json) => key.id === member.id).revokedAt).toEqual(expect.any(String));
    expect((await call('/auth/keys/key_000000000000000000000000', owner.auth, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('CORS preflight', () => {
  it.each(['/api/v1/bots', '/api/v1/actions/send-message', '/api/v1/auth/keys'])('answers OPTIONS %s without a key', async (path) => {
    const response = await testApp.request(path, {
      method: 'OPTIONS',
      headers: { Origin: 'https://zapier.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    expect(response.headers.get('RateLimit-Limit')).toBeNull();
  });
});


describe('every public endpoint', () => {
  it('answers 401 without a key, with a malformed key and with a revoked key', async () => {
    const owner = await createWorkspace(testApp);
    const revoked = await createKey(owner, { name: 'Revoked' });
    await call(`/auth/keys/${revoked.id}`, owner.auth, { method: 'DELETE' });
    const document = (await (await testApp.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/api/v1/') && path !== '/api/v1/openapi.json')
      .flatMap(([path, item]) => Object.keys(item).map((method) => [method.toUpperCase(), path.slice('/api/v1'.length).replace(/\{\w+\}/g, 'x_1')] as const));
    expect(operations.length).toBeGreaterThanOrEqual(12);
    const failures: string[] = [];
    for (const [method, path] of operations) {
      for (const headers of [{}, bearer('nhx_sk_short'), bearer(revoked.key)]) {
        const response = await call(path, headers, { method, body: method === 'POST' ? {} : undefined });
        if (response.status !== 401) failures.push(`${method} ${path}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
