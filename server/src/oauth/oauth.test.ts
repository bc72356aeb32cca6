import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../testing/app.js';
import { expectSharedStylesheet } from '../testing/server-pages.js';
import { createBot, createWorkspace, type WorkspaceFixture } from '../testing/fixtures.js';
import { answerConsent, authorizeUrl, connectApp, consentUid, CookieJar, followRedirects, pkcePair, signInToPortal, TEST_OAUTH_CLIENT, tokenRequest } from '../testing/oauth.js';
import { errorPage } from './error-page.js';
import { oauthRecordModel } from './model.js';

let testApp: TestApp;
let workspace: WorkspaceFixture;
beforeAll(async () => {
  testApp = await startTestApp({ config: TEST_OAUTH_CLIENT });
  workspace = await createWorkspace(testApp, 'Acme Support');
});
afterAll(() => testApp.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const REDIRECT = TEST_OAUTH_CLIENT.OAUTH_ZAPIER_REDIRECT_URIS[0] ?? '';

/** Authorize and Allow in a signed-in browser; answers the code and its PKCE verifier. */
async function codeFor(workspaceId: string) {
  const jar = new CookieJar();
  const { verifier, challenge } = pkcePair();
  const csrf = await signInToPortal(testApp, jar, workspaceId);
  const consent = await followRedirects(jar, testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge }));
  const back = new URL(await answerConsent(jar, testApp.baseUrl, consentUid(consent), csrf, 'allow'));
  return { code: back.searchParams.get('code') ?? '', verifier };
}

describe('the OAuth dance', () => {
  it('authorize → portal consent → code → tokens that act on the workspace as who connected', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId, 'Ada Lovelace');
    expect(tokens).toMatchObject({ scope: 'workspace', expires_in: 3600 });
    const me = await testApp.request('/api/v1/auth/me', { headers: bearer(tokens.access_token) });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ workspace: { id: workspace.workspaceId, name: 'Acme Support' }, connection: { app: 'Zapier', connectedBy: 'Ada Lovelace' } });
  });

  it('keeps tokens and codes only as hashes', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId);
    const stored = JSON.stringify(await oauthRecordModel(testApp.connection).find().lean());
    expect(stored).not.toContain(tokens.access_token);
    expect(stored).not.toContain(tokens.refresh_token);
  });

  it('shows the consent: app, workspace, who signs in, scopes in words; Deny returns access_denied', async () => {
    const jar = new CookieJar();
    const csrf = await signInToPortal(testApp, jar, workspace.workspaceId, 'Grace Hopper');
    const consent = await followRedirects(jar, testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge, state: 's-9' }));
    const details = await jar.fetch(`${testApp.baseUrl}/portal/connect/${consentUid(consent)}/details`);
    expect(await details.json()).toMatchObject({
      app: { name: 'Zapier' },
      workspace: { name: 'Acme Support' },
      signedInAs: 'Grace Hopper',
      scopes: [{ name: 'workspace', description: expect.stringContaining('send messages') }],
    });
    const back = new URL(await answerConsent(jar, testApp.baseUrl, consentUid(consent), csrf, 'deny'));
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s-9');
  });

  it('without a portal session, says how to sign in and comes back to the consent after sign-in', async () => {
    const jar = new CookieJar();
    const consent = await followRedirects(jar, testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge }));
    const details = await jar.fetch(`${testApp.baseUrl}/portal/connect/${consentUid(consent)}/details`);
    expect(details.status).toBe(401);
    expect(((await details.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'portal_sign_in_required', message: expect.stringContaining('portal sign-in link') });
    const link = await (await testApp.request(`/internal/v1/workspaces/${workspace.workspaceId}/portal-links`, { method: 'POST', headers: { Authorization: `Bearer ${testApp.config.INTERNAL_API_TOKEN}` } })).json() as { url: string };
    const start = await jar.fetch(link.url);
    expect(start.headers.get('location')).toBe(`/portal/connect/${consentUid(consent)}`);
  });

  it('refuses Allow without the session CSRF token', async () => {
    const jar = new CookieJar();
    await signInToPortal(testApp, jar, workspace.workspaceId);
    const consent = await followRedirects(jar, testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge }));
    const allow = await jar.fetch(`${testApp.baseUrl}/portal/connect/${consentUid(consent)}/allow`, { method: 'POST' });
    expect(allow.status).toBe(403);
  });
});

describe('the authorization and token endpoints', () => {
  it('require PKCE: an authorization request without a code challenge is refused', async () => {
    const location = await followRedirects(new CookieJar(), testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge: null }));
    const back = new URL(location);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuse a redirect URI that is not registered, without redirecting to it', async () => {
    const response = await fetch(authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge, redirectUri: 'https://evil.example/cb' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('refuse a wrong client secret, a wrong verifier and a second use of a code', async () => {
    const { code, verifier } = await codeFor(workspace.workspaceId);
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier };
    expect((await tokenRequest(testApp.baseUrl, { ...form, client_secret: 'x'.repeat(40) })).status).toBe(401);
    expect(await (await tokenRequest(testApp.baseUrl, { ...form, code_verifier: pkcePair().verifier })).json()).toMatchObject({ error: 'invalid_grant' });
    const fresh = await codeFor(workspace.workspaceId);
    const ok = { grant_type: 'authorization_code', code: fresh.code, redirect_uri: REDIRECT, code_verifier: fresh.verifier };
    expect((await tokenRequest(testApp.baseUrl, ok)).status).toBe(200);
    expect(await (await tokenRequest(testApp.baseUrl, ok)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refresh: a new access and refresh token; the used refresh token is spent', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId);
    const refreshed = await tokenRequest(testApp.baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await testApp.request('/api/v1/bots', { headers: bearer(next.access_token) })).status).toBe(200);
    const reused = await tokenRequest(testApp.baseUrl, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('revoke (RFC 7009): a revoked access token answers 401 at once', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId);
    expect((await testApp.request('/api/v1/bots', { headers: bearer(tokens.access_token) })).status).toBe(200);
    const revoke = await fetch(`${testApp.baseUrl}/oauth/token/revocation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.access_token, client_id: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_ID, client_secret: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_SECRET }),
    });
    expect(revoke.status).toBe(200);
    const after = await testApp.request('/api/v1/bots', { headers: bearer(tokens.access_token) });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('invalid_access_token');
  });
});

describe('the error page of a refused authorization request', () => {
  it('has the portal\'s stylesheet from this origin, served as CSS, under a CSP that allows it and no script or inline style', async () => {
    const refused = [
      authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge, redirectUri: 'https://evil.example/cb' }),
      authorizeUrl(testApp.baseUrl, { challenge: pkcePair().challenge, clientId: 'not-a-client' }),
    ];
    for (const url of refused) {
      const response = await fetch(url, { redirect: 'manual', headers: { Accept: 'text/html' } });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = response.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((directive) => directive.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
      expect(directives.get('default-src')).toEqual(["'none'"]);
      expect(directives.get('style-src')).toEqual(["'self'"]);
      expect(directives.has('script-src')).toBe(false); // default-src 'none': no script at all
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await response.text();
      expect(html).toContain('<h1>This app cannot be connected</h1>');
      expect(html).toMatch(/<code>invalid_(redirect_uri|client)<\/code>/);
      expect(html).toContain('Start connecting again from the app you came from.');
      await expectSharedStylesheet(testApp, html);
    }
  });

  it('escapes the error\'s text', () => {
    const html = errorPage({ error: '<b>x</b>', error_description: '"><script>alert(1)</script>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('<code>&#60;b&#62;x&#60;/b&#62;</code>');
  });
});

describe('tokens act on one workspace', () => {
  it('another workspace\'s bot answers 404, and the API key path is unchanged', async () => {
    const other = await createWorkspace(testApp, 'Other Co');
    const theirs = await createBot(testApp, other.workspaceId);
    const ours = await createBot(testApp, workspace.workspaceId);
    const tokens = await connectApp(testApp, workspace.workspaceId);
    expect((await testApp.request(`/api/v1/bots/${ours.id}`, { headers: bearer(tokens.access_token) })).status).toBe(200);
    expect((await testApp.request(`/api/v1/bots/${theirs.id}`, { headers: bearer(tokens.access_token) })).status).toBe(404);
    expect((await testApp.request(`/api/v1/bots/${theirs.id}`, { headers: other.auth })).status).toBe(200);
  });

  it('an app token cannot manage API keys or connected apps', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId);
    expect((await testApp.request('/api/v1/auth/keys', { headers: bearer(tokens.access_token) })).status).toBe(403);
    expect((await testApp.request('/api/v1/auth/connected-apps', { headers: bearer(tokens.access_token) })).status).toBe(403);
  });

  it('rate limits count per connection, not per workspace key', async () => {
    const tokens = await connectApp(testApp, workspace.workspaceId);
    const first = await testApp.request('/api/v1/bots', { headers: bearer(tokens.access_token) });
    const viaKey = await testApp.request('/api/v1/bots', { headers: workspace.auth });
    const second = await testApp.request('/api/v1/bots', { headers: bearer(tokens.access_token) });
    expect(Number(first.headers.get('ratelimit-remaining')) - Number(second.headers.get('ratelimit-remaining'))).toBe(1);
    expect(viaKey.headers.get('ratelimit-remaining')).not.toBeNull();
  });
});
