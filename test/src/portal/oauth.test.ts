import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  createBot,
  createConversation,
  createWorkspace,
  internalPost,
  pkcePair,
  startTestApp,
  startTestReceiver,
  waitFor,
  type TestApp,
  type TestReceiver,
  type WorkspaceFixture,
} from '@nebulahex/server/testing';
import type { Browser, Page } from 'playwright-core';
import { connectAccount, type ConnectedAccount } from '../support/zapier.js';
import { launchBrowser, screenshot, seriousViolations } from './browser.js';

jest.setTimeout(120_000);

// The Zapier app's client, as `zapier env:set CLIENT_ID=… CLIENT_SECRET=…` gives it to the connector.
const CLIENT = { id: 'zapier-e2e-client', secret: 'zapier-e2e-secret-0123456789abcdef01234' };
const RETURN_PATH = '/zapier/return';

let app: TestApp;
let redirectReceiver: TestReceiver;
let workspace: WorkspaceFixture;
let zap: ConnectedAccount;
let browser: Browser;
beforeAll(async () => {
  // Stands in for Zapier's redirect URI: a local receiver that records where the browser lands.
  redirectReceiver = await startTestReceiver();
  app = await startTestApp({
    config: { OAUTH_ZAPIER_CLIENT_ID: CLIENT.id, OAUTH_ZAPIER_CLIENT_SECRET: CLIENT.secret, OAUTH_ZAPIER_REDIRECT_URIS: [redirectReceiver.url(RETURN_PATH)] },
  });
  workspace = await createWorkspace(app, 'Acme Support');
  process.env.CLIENT_ID = CLIENT.id;
  process.env.CLIENT_SECRET = CLIENT.secret;
  zap = await connectAccount(app.baseUrl, {});
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await zap?.close();
  await app?.close();
  await redirectReceiver?.close();
  delete process.env.CLIENT_ID;
  delete process.env.CLIENT_SECRET;
});

/** Where Zapier sends the browser: the connector's authorizeUrl plus the PKCE challenge Zapier adds (enablePkce). */
async function authorizeUrl(state: string, challenge: string): Promise<string> {
  const url = new URL(await zap.oauth<string>('authorizeUrl', { inputData: { state, redirect_uri: redirectReceiver.url(RETURN_PATH) } }));
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.href;
}

/** The query the browser brought back to the redirect URI for `state`. */
const landing = (state: string) =>
  waitFor(
    () => redirectReceiver.requests.map((request) => new URL(request.path, 'http://x')).find((url) => url.pathname === RETURN_PATH && url.searchParams.get('state') === state),
    { message: `the browser back at the redirect URI with state ${state}` },
  );

const portalLink = async (signedInAs: string) => (await internalPost<{ url: string }>(app, `/workspaces/${workspace.workspaceId}/portal-links`, { signedInAs })).url;

async function checked(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}

describe('connecting Zapier with OAuth, in Chromium', () => {
  it('authorize → sign in → consent → code → tokens → action → refresh → disconnect in the portal → refresh refused', async () => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    const { verifier, challenge } = pkcePair();

    // Zapier opens the authorization URL; nobody is signed in to the portal yet.
    await page.goto(await authorizeUrl('zap-1', challenge));
    await page.getByRole('heading', { level: 1, name: 'Sign in to connect an app' }).waitFor();
    await checked(page, 'oauth-sign-in-first');

    // The portal's own sign-in (a link), then back to the consent.
    await page.goto(await portalLink('Ada Lovelace'));
    await page.getByRole('heading', { level: 1, name: 'Connect Zapier to Acme Support?' }).waitFor();
    await expect(page.getByText('Ada Lovelace').isVisible()).resolves.toBe(true);
    await expect(page.getByText(/send messages/).isVisible()).resolves.toBe(true);
    await checked(page, 'oauth-consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    const back = await landing('zap-1');
    const code = back.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    // Zapier trades the code (getAccessToken), tests the connection and labels it.
    const tokens = await zap.oauth<{ access_token: string; refresh_token: string }>('getAccessToken', {
      inputData: { code, code_verifier: verifier, redirect_uri: redirectReceiver.url(RETURN_PATH) },
    });
    zap.setAuth(tokens);
    const { label } = await zap.connect();
    expect(label).toBe('Acme Support (connected by Ada Lovelace)');

    // An action with the token acts on the workspace.
    const bot = await createBot(app, workspace.workspaceId);
    const conversation = await createConversation(app, workspace.workspaceId, bot.id);
    const sent = await zap.run('creates', 'send_message', 'perform', { inputData: { conversationId: conversation.id, message: 'Hello from a Zap' } });
    expect(sent).toMatchObject({ conversationId: conversation.id });

    // Zapier refreshes (refreshAccessToken): new tokens that work.
    const refreshed = await zap.oauth<{ access_token: string; refresh_token: string }>('refreshAccessToken');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    zap.setAuth(refreshed);
    await zap.connect();

    // An admin disconnects Zapier under Connected apps.
    await page.goto(`${app.baseUrl}/portal/apps`);
    await page.getByRole('row', { name: /Zapier.*Ada Lovelace/ }).waitFor();
    await checked(page, 'connected-apps');
    await page.getByRole('button', { name: 'Disconnect Zapier' }).click();
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByText('No apps are connected').waitFor();

    // The next call asks Zapier to refresh; the refresh is refused: the user must reconnect.
    await expect(zap.connect()).rejects.toMatchObject({ name: 'RefreshAuthError' });
    await expect(zap.oauth('refreshAccessToken')).rejects.toMatchObject({ name: 'ExpiredAuthError', message: expect.stringMatching(/Reconnect your NebulaHex account/) });
  });

  it('Deny sends the browser back to Zapier with access_denied', async () => {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(await portalLink('Grace Hopper'));
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.goto(await authorizeUrl('zap-2', pkcePair().challenge));
    await page.getByRole('heading', { level: 1, name: 'Connect Zapier to Acme Support?' }).waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();
    expect((await landing('zap-2')).searchParams.get('error')).toBe('access_denied');
  });
});
