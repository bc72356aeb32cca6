import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../testing/app.js';
import { expectSharedStylesheet } from '../testing/server-pages.js';
import { createWorkspace, internalPost, type WorkspaceFixture } from '../testing/fixtures.js';
import { portalLinkModel, portalSessionModel } from './model.js';

let testApp: TestApp;
let workspace: WorkspaceFixture;
beforeAll(async () => {
  testApp = await startTestApp({ config: { PORTAL_FRAME_ANCESTORS: ['https://app.nebulahex.example'], WEBHOOK_ALLOW_HTTP: true, WEBHOOK_ALLOW_PRIVATE_TARGETS: true } });
  workspace = await createWorkspace(testApp);
});
afterAll(() => testApp.close());

const newLink = async (headers: Record<string, string> = workspace.auth) => {
  const response = await testApp.request('/api/v1/auth/portal-links', { method: 'POST', headers });
  return { status: response.status, body: (await response.json()) as { url: string; expiresAt: string } };
};

/** Opens a link as a browser would (no redirect following); answers the session cookie. */
async function open(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  const cookie = response.headers.get('set-cookie') ?? '';
  return { response, cookie, session: /nhx_portal=([^;]+)/.exec(cookie)?.[1] };
}

async function signedIn() {
  const { session } = await open((await newLink()).body.url);
  const cookie = `nhx_portal=${session}`;
  const me = await (await testApp.request('/portal/session', { headers: { cookie } })).json() as { csrfToken: string };
  return { cookie, csrf: me.csrfToken };
}

describe('portal links', () => {
  it('start a session once: HttpOnly SameSite=Strict cookie, only hashes stored, then refused', async () => {
    const { status, body } = await newLink();
    expect(status).toBe(201);
    expect(body.url).toMatch(new RegExp(`^${testApp.baseUrl}/portal/session/start\\?token=nhx_pl_`));
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    const token = new URL(body.url).searchParams.get('token') ?? '';
    const stored = await portalLinkModel(testApp.connection).find().lean();
    expect(JSON.stringify(stored)).not.toContain(token);

    const first = await open(body.url);
    expect(first.response.status).toBe(303);
    expect(first.response.headers.get('location')).toBe('/portal/');
    expect(first.cookie).toMatch(/httponly/i);
    expect(first.cookie).toMatch(/samesite=strict/i);
    expect(first.cookie).not.toMatch(/secure/i); // plain http here
    expect(JSON.stringify(await portalSessionModel(testApp.connection).find().lean())).not.toContain(first.session);

    const again = await open(body.url);
    expect(again.response.status).toBe(410);
    expect(again.session).toBeUndefined();
    expect(await again.response.text()).toContain('used already or has expired');
    expect((await open(`${testApp.baseUrl}/portal/session/start?token=nhx_pl_${'x'.repeat(43)}`)).response.status).toBe(404);
  });

  it('refused: a page that says why and links to the portal, with its stylesheet from this origin, no script, no token', async () => {
    const { body } = await newLink();
    const token = new URL(body.url).searchParams.get('token') ?? '';
    await open(body.url);
    const bogus = `nhx_pl_${'y'.repeat(43)}`;
    const pages = [
      { url: body.url, status: 410, why: 'used already or has expired', secret: token },
      { url: `${testApp.baseUrl}/portal/session/start?token=${bogus}`, status: 404, why: 'not a valid sign-in link', secret: bogus },
      { url: `${testApp.baseUrl}/portal/session/start?token=${'z'.repeat(201)}`, status: 422, why: 'not a valid sign-in link', secret: 'z'.repeat(201) },
    ];
    for (const { url, status, why, secret } of pages) {
      const { response } = await open(url);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(/style-src 'self'/);
      const html = await response.text();
      expect(html).toContain(why);
      expect(html).toContain('<a class="next" href="/portal/">');
      expect(html).not.toContain(secret);
      await expectSharedStylesheet(testApp, html);
    }
  });

  it('expire after their time', async () => {
    const { body } = await newLink();
    await portalLinkModel(testApp.connection).updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await open(body.url)).response.status).toBe(410);
  });

  it('are made by admin keys and by the internal API only', async () => {
    const member = await testApp.request('/api/v1/auth/keys', {
      method: 'POST',
      headers: { ...workspace.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'member', role: 'member' }),
    });
    const { key } = (await member.json()) as { key: string };
    expect((await newLink({ Authorization: `Bearer ${key}` })).status).toBe(403);
    const internal = await internalPost<{ url: string }>(testApp, `/workspaces/${workspace.workspaceId}/portal-links`, {});
    expect((await open(internal.url)).response.status).toBe(303);
    const unknown = await testApp.request('/internal/v1/workspaces/ws_000000000000000000000000/portal-links', {
      method: 'POST',
      headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}` },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('portal sessions', () => {
  it('reach the public API as the workspace, and unsafe requests need the CSRF header', async () => {
    const { cookie, csrf } = await signedIn();
    const read = await testApp.request('/api/v1/hooks', { headers: { cookie } });
    expect(read.status).toBe(200);
    const body = JSON.stringify({ name: 'From the portal' });
    const json = { cookie, 'Content-Type': 'application/json' };
    const forged = await testApp.request('/api/v1/auth/keys', { method: 'POST', headers: json, body });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('csrf_token_invalid');
    const wrong = await testApp.request('/api/v1/auth/keys', { method: 'POST', headers: { ...json, 'X-CSRF-Token': `${csrf}x` }, body });
    expect(wrong.status).toBe(403);
    const made = await testApp.request('/api/v1/auth/keys', { method: 'POST', headers: { ...json, 'X-CSRF-Token': csrf }, body });
    expect(made.status).toBe(201);
  });

  it("answer 404 for another workspace's resources", async () => {
    const other = await createWorkspace(testApp);
    const { body: hook } = await (async () => {
      const response = await testApp.request('/api/v1/hooks', {
        method: 'POST',
        headers: { ...other.auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ event: 'lead.captured', targetUrl: 'http://127.0.0.1:9/hook' }),
      });
      expect(response.status).toBe(201);
      return { body: (await response.json()) as { id: string } };
    })();
    const { cookie, csrf } = await signedIn();
    expect((await testApp.request(`/api/v1/hooks/${hook.id}`, { headers: { cookie } })).status).toBe(404);
    const patch = await testApp.request(`/api/v1/hooks/${hook.id}`, {
      method: 'PATCH',
      headers: { cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ paused: true }),
    });
    expect(patch.status).toBe(404);
  });

  it('end at sign-out, after idle time and with an unknown cookie', async () => {
    const { cookie, csrf } = await signedIn();
    expect((await testApp.request('/portal/session/sign-out', { method: 'POST', headers: { cookie } })).status).toBe(403);
    const out = await testApp.request('/portal/session/sign-out', { method: 'POST', headers: { cookie, 'X-CSRF-Token': csrf } });
    expect(out.status).toBe(204);
    expect((await testApp.request('/api/v1/hooks', { headers: { cookie } })).status).toBe(401);

    const idle = await signedIn();
    await portalSessionModel(testApp.connection).updateMany({}, { $set: { lastSeenAt: new Date(Date.now() - 31 * 60_000) } });
    const ended = await testApp.request('/api/v1/hooks', { headers: { cookie: idle.cookie } });
    expect(ended.status).toBe(401);
    expect(((await ended.json()) as { error: { code: string } }).error.code).toBe('portal_session_expired');
    expect((await testApp.request('/portal/session', { headers: { cookie: 'nhx_portal=nope' } })).status).toBe(401);
  });
});

describe('portal pages', () => {
  it('are served with a strict CSP that allows framing only by the configured origins', async () => {
    const response = await testApp.request('/portal/endpoints');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('frame-ancestors https://app.nebulahex.example');
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    if (response.status === 200) expect(await response.text()).toContain('<div id="root">');
    else expect(response.status).toBe(503); // the portal package is not built
  });
});
