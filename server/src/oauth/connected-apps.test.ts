import { afterEach, describe, expect, it } from '@jest/globals';
import { createWorkspace, startTestApp, waitFor, type TestApp } from '../testing/index.js';
import { connectApp, CookieJar, signInToPortal, TEST_OAUTH_CLIENT } from '../testing/oauth.js';
import { accessTokenKey } from './adapter.js';
import { oauthRecordModel } from './model.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0).reverse()) await app.close();
});

async function start(config: Partial<TestApp['config']> = {}, databaseUri?: string): Promise<TestApp> {
  const app = await startTestApp({ config: { ...TEST_OAUTH_CLIENT, ...config }, ...(databaseUri ? { databaseUri } : {}) });
  apps.push(app);
  return app;
}

const bots = (app: TestApp, token: string) => app.request('/api/v1/bots', { headers: { Authorization: `Bearer ${token}` } });
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

/** The portal's connected-apps page, as its browser session sees it. */
async function portalOf(app: TestApp, workspaceId: string) {
  const jar = new CookieJar();
  const csrf = await signInToPortal(app, jar, workspaceId);
  return {
    list: async () => ((await (await jar.fetch(`${app.baseUrl}/api/v1/auth/connected-apps`)).json()) as { apps: { id: string; name: string; connectedBy: string; lastUsedAt: string | null }[] }).apps,
    revoke: (id: string, headers: Record<string, string> = { 'X-CSRF-Token': csrf }) => jar.fetch(`${app.baseUrl}/api/v1/auth/connected-apps/${id}`, { method: 'DELETE', headers }),
  };
}

describe('connected apps', () => {
  it('lists each app with who connected it and when it was last used; revoking kills its access and refresh tokens', async () => {
    const app = await start();
    const workspace = await createWorkspace(app, 'Acme');
    const tokens = await connectApp(app, workspace.workspaceId, 'Ada Lovelace');
    expect((await bots(app, tokens.access_token)).status).toBe(200);
    const portal = await portalOf(app, workspace.workspaceId);
    const [listed] = await portal.list();
    expect(listed).toMatchObject({ name: 'Zapier', connectedBy: 'Ada Lovelace', lastUsedAt: expect.any(String) });

    expect((await portal.revoke(listed?.id ?? '', {})).status).toBe(403); // no CSRF token
    expect((await portal.revoke(listed?.id ?? '')).status).toBe(204);
    const refused = await bots(app, tokens.access_token);
    expect(refused.status).toBe(401);
    expect((await errorOf(refused)).code).toMatch(/^(access_token_revoked|invalid_access_token)$/);
    const refresh = await fetch(`${app.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_ID, client_secret: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_SECRET }),
    });
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await portal.list()).toEqual([]);
  });

  it('leaves out a connection whose grant the provider revoked (a reused refresh token)', async () => {
    const app = await start();
    const workspace = await createWorkspace(app);
    const tokens = await connectApp(app, workspace.workspaceId);
    const form = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_ID, client_secret: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_SECRET };
    const refresh = () => fetch(`${app.baseUrl}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    expect((await refresh()).status).toBe(200);
    expect((await refresh()).status).toBe(400); // reuse: the provider revokes the whole grant
    expect(await (await portalOf(app, workspace.workspaceId)).list()).toEqual([]);
  });

  it('another workspace cannot see or revoke a connection (404)', async () => {
    const app = await start();
    const ours = await createWorkspace(app);
    const theirs = await createWorkspace(app);
    const tokens = await connectApp(app, ours.workspaceId);
    const [listed] = await (await portalOf(app, ours.workspaceId)).list();
    const other = await portalOf(app, theirs.workspaceId);
    expect(await other.list()).toEqual([]);
    expect((await other.revoke(listed?.id ?? '')).status).toBe(404);
    expect((await bots(app, tokens.access_token)).status).toBe(200);
  });

  it('an expired access token answers 401 access_token_expired, saying to refresh', async () => {
    const app = await start({ API_KEY_CACHE_MS: 0 });
    const workspace = await createWorkspace(app);
    const tokens = await connectApp(app, workspace.workspaceId);
    const Records = oauthRecordModel(app.connection);
    const record = await Records.findById(accessTokenKey(tokens.access_token)).lean();
    const payload = JSON.parse(record?.payload ?? '{}') as { exp: number };
    // As the token is an hour after it was issued: its exp and its record's expiry are past.
    const past = Math.floor(Date.now() / 1000) - 1;
    await Records.updateOne({ _id: record?._id }, { $set: { payload: JSON.stringify({ ...payload, exp: past }), expiresAt: new Date(past * 1000) } });
    const answer = await bots(app, tokens.access_token);
    expect(answer.status).toBe(401);
    expect(await errorOf(answer)).toMatchObject({ code: 'access_token_expired', message: expect.stringContaining('refresh') });
  });
});

describe('revocation across processes', () => {
  it('a connection revoked through one process is refused by another within its API_KEY_CACHE_MS, and at once by the one that revoked it', async () => {
    const first = await start();
    const second = await start({ API_KEY_CACHE_MS: 300, ENCRYPTION_KEY: first.config.ENCRYPTION_KEY }, first.databaseUri);
    const workspace = await createWorkspace(first);
    const tokens = await connectApp(first, workspace.workspaceId);
    expect((await bots(second, tokens.access_token)).status).toBe(200); // read and cached by the second process
    const portal = await portalOf(first, workspace.workspaceId);
    const [listed] = await portal.list();
    const revokedAt = Date.now();
    expect((await portal.revoke(listed?.id ?? '')).status).toBe(204);
    expect((await bots(first, tokens.access_token)).status).toBe(401);
    await waitFor(async () => (await bots(second, tokens.access_token)).status === 401, { timeoutMs: 10_000, message: 'the other process to refuse the revoked token' });
    console.info(`revoked token refused by the other process after ${Date.now() - revokedAt} ms (API_KEY_CACHE_MS=300)`);
  });

  it('keeps trusting a token only within the window (a long window: still 200 right after revocation)', async () => {
    const first = await start();
    const second = await start({ API_KEY_CACHE_MS: 60_000, ENCRYPTION_KEY: first.config.ENCRYPTION_KEY }, first.databaseUri);
    const workspace = await createWorkspace(first);
    const tokens = await connectApp(first, workspace.workspaceId);
    expect((await bots(second, tokens.access_token)).status).toBe(200);
    const portal = await portalOf(first, workspace.workspaceId);
    expect((await portal.revoke((await portal.list())[0]?.id ?? '')).status).toBe(204);
    expect((await bots(second, tokens.access_token)).status).toBe(200); // the stated bound, not sooner
  });
});
