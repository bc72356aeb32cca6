import { zapierConnectorUserAgent } from '@nebulahex/shared';
import type { AfterResponseMiddleware, BeforeRequestMiddleware } from 'zapier-platform-core';
import { oauthUrl } from './client.js';
import { connectorVersion } from './version.js';
import { raiseForApiError } from './errors.js';

export { API_KEYS_PAGE, raiseForApiError } from './errors.js';

const USER_AGENT = zapierConnectorUserAgent(connectorVersion);

/**
 * Every request carries the connection's access token (or, for a pre-v3 connection, API key) as a bearer token, and the connector's
 * User-Agent, by which the server marks what a Zap sent (`message.sent`'s `sender.viaZapier`).
 */
export const addBearerKey: BeforeRequestMiddleware = (request, _z, bundle) => {
  // An OAuth connection's access token (v3); a connection made before v3 with an API key still works.
  const apiKey = bundle.authData.access_token ?? bundle.authData.apiKey;
  // Core sets `user-agent: Zapier`; a second spelling of the name would be sent as "Zapier, …".
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'user-agent'));
  // The OAuth server authenticates the client by its id and secret alone (one mechanism only).
  const toOAuthServer = request.url?.startsWith(oauthUrl('/')) ?? false;
  request.headers = { ...headers, 'user-agent': USER_AGENT, ...(apiKey && !toOAuthServer ? { Authorization: `Bearer ${apiKey}` } : {}) };
  return request;
};

/**
 * Turns every API answer that is not a readable success into the error Zapier should show and
 * handle (errors.ts). A response the caller asked to inspect itself (`skipThrowForStatus`) passes
 * untouched.
 */
export const handleApiErrors: AfterResponseMiddleware = (response, z) =>
  response.skipThrowForStatus ? response : raiseForApiError(response, z);
