import type { AuthMeOut } from '@nebulahex/shared';
import type { Authentication, Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { apiRequest, oauthUrl } from './client.js';

/** The scope the connector asks for: act on one workspace as a member key would. */
export const OAUTH_SCOPE = 'workspace';

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

/** The app's client id and secret: Zapier hands them to the app as environment variables (`zapier env:set`). */
const clientCredentials = () => ({ client_id: process.env.CLIENT_ID ?? '', client_secret: process.env.CLIENT_SECRET ?? '' });

async function tokenRequest(z: ZObject, form: Record<string, string>): Promise<HttpResponse<TokenAnswer>> {
  return z.request<TokenAnswer>({
    url: oauthUrl('/token'),
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ ...clientCredentials(), ...form }).toString(),
    skipThrowForStatus: true, // OAuth answers its own error shape, read below
  });
}

const tokensOf = (answer: TokenAnswer) => ({ access_token: answer.access_token ?? '', refresh_token: answer.refresh_token ?? '' });

/** Sends the user to NebulaHex's consent screen (Zapier adds the PKCE challenge). */
const authorizeUrl = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const url = new URL(oauthUrl('/auth'));
  url.search = new URLSearchParams({
    client_id: clientCredentials().client_id,
    response_type: 'code',
    scope: OAUTH_SCOPE,
    state: String(bundle.inputData.state ?? ''),
    redirect_uri: String(bundle.inputData.redirect_uri ?? ''),
  }).toString();
  return url.href;
};

const getAccessToken = async (z: ZObject, bundle: Bundle) => {
  const response = await tokenRequest(z, {
    grant_type: 'authorization_code',
    code: String(bundle.inputData.code ?? ''),
    redirect_uri: String(bundle.inputData.redirect_uri ?? ''),
    code_verifier: String(bundle.inputData.code_verifier ?? ''),
  });
  if (response.status !== 200) {
    throw new z.errors.Error(`NebulaHex did not complete the connection: ${response.data?.error_description ?? `HTTP ${response.status}`}. Start connecting again.`, 'oauth_code_refused', response.status);
  }
  return tokensOf(response.data);
};

/** A refresh token that no longer works (revoked, expired, reused) means the user must connect again. */
const refreshAccessToken = async (z: ZObject, bundle: Bundle) => {
  const response = await tokenRequest(z, { grant_type: 'refresh_token', refresh_token: String(bundle.authData.refresh_token ?? '') });
  if (response.status === 400 || response.status === 401) {
    const why = response.data?.error_description ? ` (${response.data.error_description})` : '';
    throw new z.errors.ExpiredAuthError(
      `NebulaHex no longer accepts this connection${why}: it was disconnected in the NebulaHex portal (Connected apps), or unused for too long. Reconnect your NebulaHex account in Zapier.`,
    );
  }
  if (response.status !== 200) throw new z.errors.Error(`NebulaHex could not refresh the connection (HTTP ${response.status}). Zapier will try again.`, 'oauth_refresh_failed', response.status);
  return tokensOf(response.data);
};

/** Says which workspace the connection acts on and who connected it. */
const test = async (z: ZObject): Promise<AuthMeOut> => (await apiRequest<AuthMeOut>(z, { path: '/auth/me' })).data;

/** Zapier hands the test's result to the label as `inputData`: the workspace, and who connected it. */
const connectionLabel = async (_z: ZObject, bundle: Bundle): Promise<string> => {
  const me = bundle.inputData as Partial<AuthMeOut>;
  const workspace = me.workspace?.name ?? '';
  const by = me.connection?.connectedBy;
  return by ? `${workspace} (connected by ${by})` : workspace;
};

export default {
  type: 'oauth2',
  oauth2Config: {
    authorizeUrl,
    getAccessToken,
    refreshAccessToken,
    scope: OAUTH_SCOPE,
    autoRefresh: true,
    enablePkce: true,
  },
  test,
  connectionLabel,
} satisfies Authentication;
