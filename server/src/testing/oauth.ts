import { createHash, randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';
import { internalPost } from './fixtures.js';

/** The Zapier client tests register (config overrides for `startTestApp`). */
export const TEST_OAUTH_CLIENT = {
  OAUTH_ZAPIER_CLIENT_ID: 'zapier-test-client',
  OAUTH_ZAPIER_CLIENT_SECRET: 'test-client-secret-0123456789abcdef0123',
  OAUTH_ZAPIER_REDIRECT_URIS: ['http://127.0.0.1:9/zapier/return'],
};

/** A PKCE pair (S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A browser's cookies, as little of one as the OAuth dance needs (paths ignored: the server picks what it reads). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** fetch without following redirects, sending and keeping cookies. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: this.header() } });
    this.take(response);
    return response;
  }
}

export interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  challenge?: string | null;
  state?: string;
}

/** The authorization request's URL, as Zapier would send the browser to it. */
export function authorizeUrl(baseUrl: string, options: AuthorizeOptions = {}): string {
  const url = new URL(`${baseUrl}/oauth/auth`);
  const params: Record<string, string | null | undefined> = {
    client_id: options.clientId ?? TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_ID,
    response_type: 'code',
    redirect_uri: options.redirectUri ?? TEST_OAUTH_CLIENT.OAUTH_ZAPIER_REDIRECT_URIS[0],
    scope: options.scope ?? 'workspace',
    state: options.state ?? 'state-123',
    code_challenge: options.challenge,
    code_challenge_method: options.challenge ? 'S256' : undefined,
  };
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.href;
}

/** Signs the jar's browser in to the workspace's portal (a link from the internal API); answers its CSRF token. */
export async function signInToPortal(testApp: Pick<TestApp, 'request' | 'config' | 'baseUrl'>, jar: CookieJar, workspaceId: string, signedInAs = 'Ada Lovelace'): Promise<string> {
  const link = await internalPost<{ url: string }>(testApp, `/workspaces/${workspaceId}/portal-links`, { signedInAs });
  await jar.fetch(link.url);
  const session = (await (await jar.fetch(`${testApp.baseUrl}/portal/session`)).json()) as { csrfToken: string };
  return session.csrfToken;
}

/** Follows the provider's redirects from `url` until one leaves the server; answers that location. */
export async function followRedirects(jar: CookieJar, baseUrl: string, url: string): Promise<string> {
  let location = url;
  for (let hop = 0; hop < 10 && location.startsWith(baseUrl); hop += 1) {
    const response = await jar.fetch(location);
    const next = response.headers.get('location');
    if (!next) return location;
    location = new URL(next, location).href;
  }
  return location;
}

/** The consent page's uid, from the address the provider sent the browser to. */
export const consentUid = (location: string): string => /\/portal\/connect\/([^/?#]+)/.exec(location)?.[1] ?? '';

/** Answers the consent (Allow or Deny) as the portal does; answers where the browser goes next (the redirect URI with `code` or `error`). */
export async function answerConsent(jar: CookieJar, baseUrl: string, uid: string, csrf: string, answer: 'allow' | 'deny'): Promise<string> {
  const response = await jar.fetch(`${baseUrl}/portal/connect/${uid}/${answer}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf } });
  if (response.status !== 200) throw new Error(`consent ${answer} answered ${response.status}: ${await response.text()}`);
  const { redirectTo } = (await response.json()) as { redirectTo: string };
  return followRedirects(jar, baseUrl, redirectTo);
}

/** Trades a code (or a refresh token) at the token endpoint, as the connector does. */
export async function tokenRequest(baseUrl: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_ID, client_secret: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_CLIENT_SECRET, ...form }),
  });
}

export interface ConnectedTokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
}

/** The whole dance without a browser: authorize → portal sign-in → Allow → code → tokens. */
export async function connectApp(testApp: Pick<TestApp, 'request' | 'config' | 'baseUrl'>, workspaceId: string, signedInAs = 'Ada Lovelace'): Promise<ConnectedTokens> {
  const jar = new CookieJar();
  const { verifier, challenge } = pkcePair();
  const csrf = await signInToPortal(testApp, jar, workspaceId, signedInAs);
  const consent = await followRedirects(jar, testApp.baseUrl, authorizeUrl(testApp.baseUrl, { challenge }));
  const back = new URL(await answerConsent(jar, testApp.baseUrl, consentUid(consent), csrf, 'allow'));
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code in ${back.href}`);
  const response = await tokenRequest(testApp.baseUrl, { grant_type: 'authorization_code', code, redirect_uri: TEST_OAUTH_CLIENT.OAUTH_ZAPIER_REDIRECT_URIS[0] ?? '', code_verifier: verifier });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ConnectedTokens;
}
