import { createECDH, hkdfSync } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Connection } from 'mongoose';
import Provider, { errors, type ClientMetadata, type Configuration } from 'oidc-provider';
import type { RuntimeConfig } from '../config.js';
import { mongoAdapterFactory } from './adapter.js';
import { ERROR_PAGE_HEADERS, errorPage } from './error-page.js';

/** Where the provider is mounted in the app. */
export const OAUTH_PREFIX = '/oauth';
/** The one scope: act on one workspace's API as a member key would. */
export const WORKSPACE_SCOPE = 'workspace';
/** Where the portal shows an authorization request's sign-in and consent. */
export const consentPath = (uid: string): string => `/portal/connect/${uid}`;

const GRANT_TTL_SECONDS = 10 * 365 * 86_400; // a connection lives until it is revoked
const SESSION_TTL_SECONDS = 3600; // the provider's own login memory: consent is asked every time anyway

/** The server's own base URL: PUBLIC_URL, or where it listens. */
export const publicBaseUrl = (config: RuntimeConfig): string => (config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`).replace(/\/$/, '');

/** The resource (RFC 8707) every access token is for: the public API. */
export const apiResource = (config: RuntimeConfig): string => `${publicBaseUrl(config)}/api/v1`;

/** The Zapier client, when the configuration registers it. */
function clientsOf(config: RuntimeConfig): ClientMetadata[] {
  if (!config.OAUTH_ZAPIER_CLIENT_ID || !config.OAUTH_ZAPIER_CLIENT_SECRET) return [];
  return [
    {
      client_id: config.OAUTH_ZAPIER_CLIENT_ID,
      client_secret: config.OAUTH_ZAPIER_CLIENT_SECRET,
      client_name: 'Zapier',
      redirect_uris: config.OAUTH_ZAPIER_REDIRECT_URIS,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      id_token_signed_response_alg: 'ES256', // the only key the provider has (it issues no ID tokens here)
    },
  ];
}

/** Cookie signing keys, derived from ENCRYPTION_KEY so every process signs alike. */
const cookieKeys = (config: RuntimeConfig): string[] => [
  Buffer.from(hkdfSync('sha256', Buffer.from(config.ENCRYPTION_KEY, 'base64'), Buffer.alloc(0), 'nebulahex oauth cookies', 32)).toString('base64url'),
];

/**
 * The provider's signing key (it signs nothing this server uses, but must have one): a P-256 key
 * derived from ENCRYPTION_KEY, the same in every process and across restarts.
 */
function signingKey(config: RuntimeConfig) {
  const d = Buffer.from(hkdfSync('sha256', Buffer.from(config.ENCRYPTION_KEY, 'base64'), Buffer.alloc(0), 'nebulahex oauth signing key', 32));
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
  const b64 = (bytes: Buffer) => bytes.toString('base64url');
  return { kty: 'EC', crv: 'P-256', d: b64(d), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) };
}

function providerConfiguration(config: RuntimeConfig, connection: Connection, onRevoke: (kind: 'token' | 'grant', id: string) => void): Configuration {
  const resource = apiResource(config);
  return {
    adapter: mongoAdapterFactory(connection, onRevoke),
    clients: clientsOf(config),
    cookies: { keys: cookieKeys(config) },
    jwks: { keys: [signingKey(config)] },
    responseTypes: ['code'],
    scopes: ['openid'], // no OpenID Connect scope is used: `workspace` is the API's (resource) scope
    pkce: { required: () => true }, // S256 is the only method oidc-provider accepts
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== resource) throw new errors.InvalidTarget();
          return { scope: WORKSPACE_SCOPE, audience: resource, accessTokenTTL: config.OAUTH_ACCESS_TOKEN_TTL_SECONDS, accessTokenFormat: 'opaque' };
        },
      },
    },
    // Every authorization asks for consent (the portal session decides which workspace is
    // connected): only the grant the consent just made counts, never an earlier one.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    expiresWithSession: () => false,
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    interactions: { url: (_ctx, interaction) => consentPath(interaction.uid) },
    ttl: {
      AccessToken: config.OAUTH_ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      RefreshToken: config.OAUTH_REFRESH_TOKEN_TTL_DAYS * 86_400,
      Grant: GRANT_TTL_SECONDS,
      Interaction: 1800,
      Session: SESSION_TTL_SECONDS,
    },
    renderError: (ctx, out) => {
      ctx.set(ERROR_PAGE_HEADERS);
      ctx.type = 'html';
      ctx.body = errorPage(out);
    },
  };
}

/**
 * The OAuth 2.0 authorization server (oidc-provider, mounted under /oauth): authorization code
 * with PKCE, rotating refresh tokens, opaque access tokens for the public API, revocation.
 */
export function createOAuthProvider(config: RuntimeConfig, connection: Connection, onRevoke: (kind: 'token' | 'grant', id: string) => void): Provider {
  const provider = new Provider(`${publicBaseUrl(config)}${OAUTH_PREFIX}`, providerConfiguration(config, connection, onRevoke));
  provider.proxy = config.TRUST_PROXY;
  return provider;
}

/**
 * Hands every request under /oauth to the provider as its own Koa app (its own cookies, signed
 * with its keys), the way oidc-provider expects to be mounted: the path without the prefix, the
 * prefix in `originalUrl`, from which it builds its URLs.
 */
export function mountProvider(provider: Provider): Middleware {
  const handle = provider.callback();
  return async (ctx, next) => {
    if (!ctx.path.startsWith(`${OAUTH_PREFIX}/`)) return next();
    const req = ctx.req as typeof ctx.req & { originalUrl?: string };
    const url = req.url ?? '';
    req.originalUrl = url;
    req.url = url.slice(OAUTH_PREFIX.length);
    ctx.respond = false; // the provider answers; the access log and metrics still see its status
    (ctx as { _matchedRoute?: string })._matchedRoute = `${OAUTH_PREFIX}/*`;
    try {
      await handle(req, ctx.res);
    } finally {
      req.url = url;
    }
  };
}
