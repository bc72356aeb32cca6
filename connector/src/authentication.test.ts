import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { API_ORIGIN, api, appTester, authFunction, buildBundle, caught, useNock } from './testing/harness.js';
import authentication from './authentication.js';

useNock();

const me = {
  workspace: { id: 'ws_684ad9015e9b2a41d07c3d01', name: 'Acme Support' },
  connection: { id: 'oac_684ad9015e9b2a41d07c3d02', app: 'Zapier', connectedBy: 'Ada Lovelace' },
};
const { oauth2Config } = authentication;

beforeAll(() => {
  process.env.CLIENT_ID = 'zapier-client';
  process.env.CLIENT_SECRET = 'zapier-secret-0123456789abcdef0123456789';
});
afterAll(() => {
  delete process.env.CLIENT_ID;
  delete process.env.CLIENT_SECRET;
});

/** The token endpoint, insisting on the client's credentials and the given form fields. */
const tokenEndpoint = (fields: Record<string, string>) =>
  nock(API_ORIGIN, { badheaders: ['authorization'] }).post('/oauth/token', (body: Record<string, string>) => body.client_id === 'zapier-client' && body.client_secret === process.env.CLIENT_SECRET && Object.entries(fields).every(([key, value]) => body[key] === value));

describe('authentication (OAuth 2.0)', () => {
  it('sends the user to the consent screen with the client id, scope, state and redirect URI', async () => {
    const url = new URL(await appTester(oauth2Config.authorizeUrl, buildBundle({ inputData: { state: 'st', redirect_uri: 'https://zapier.com/return' } })));
    expect(`${url.origin}${url.pathname}`).toBe(`${API_ORIGIN}/oauth/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'zapier-client', response_type: 'code', scope: 'workspace', state: 'st', redirect_uri: 'https://zapier.com/return' });
  });

  it('trades the code and PKCE verifier for tokens', async () => {
    tokenEndpoint({ grant_type: 'authorization_code', code: 'c1', code_verifier: 'v1', redirect_uri: 'https://zapier.com/return' }).reply(200, { access_token: 'at', refresh_token: 'rt', token_type: 'Bearer' });
    const tokens = await appTester(oauth2Config.getAccessToken, buildBundle({ inputData: { code: 'c1', code_verifier: 'v1', redirect_uri: 'https://zapier.com/return' } }));
    expect(tokens).toEqual({ access_token: 'at', refresh_token: 'rt' });
  });

  it('says why a refused code failed', async () => {
    tokenEndpoint({ grant_type: 'authorization_code' }).reply(400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
    const error = await caught(() => appTester(oauth2Config.getAccessToken, buildBundle({ inputData: { code: 'c1' } })));
    expect(error.message).toMatch(/did not complete the connection: grant request is invalid/);
  });

  it('refreshes with the refresh token', async () => {
    tokenEndpoint({ grant_type: 'refresh_token', refresh_token: 'rt' }).reply(200, { access_token: 'at2', refresh_token: 'rt2' });
    expect(await appTester(oauth2Config.refreshAccessToken, buildBundle({ authData: { access_token: 'at', refresh_token: 'rt' } }))).toEqual({ access_token: 'at2', refresh_token: 'rt2' });
  });

  it('asks to reconnect when the refresh token is refused (disconnected in the portal)', async () => {
    tokenEndpoint({ grant_type: 'refresh_token' }).reply(400, { error: 'invalid_grant', error_description: 'grant request is invalid' });
    const error = await caught(() => appTester(oauth2Config.refreshAccessToken, buildBundle({ authData: { access_token: 'at', refresh_token: 'rt' } })));
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toMatch(/no longer accepts this connection \(grant request is invalid\): it was disconnected in the NebulaHex portal.*Reconnect your NebulaHex account/);
  });

  it('tests the connection against GET /auth/me with the access token', async () => {
    api().get('/api/v1/auth/me').reply(200, me);
    expect(await appTester(authentication.test, buildBundle())).toEqual(me);
  });

  it('labels the connection with the workspace and who connected it', async () => {
    expect(await appTester(authFunction('connectionLabel'), buildBundle({ inputData: me }))).toBe('Acme Support (connected by Ada Lovelace)');
  });

  it('a 401 on an expired token raises RefreshAuthError (Zapier refreshes)', async () => {
    api().get('/api/v1/auth/me').reply(401, { error: { code: 'access_token_expired', message: 'The access token has expired.' } });
    expect((await caught(() => appTester(authentication.test, buildBundle()))).name).toBe('RefreshAuthError');
  });
});
