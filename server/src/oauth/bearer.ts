import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type Provider from 'oidc-provider';
import type { ApiKeyAuth } from '../auth/middleware.js';
import { createLastUsedTracker } from '../auth/last-used.js';
import { UnauthorizedError } from '../http/errors.js';
import { accessTokenKey } from './adapter.js';
import { oauthConnectionModel, type OAuthConnectionDoc } from './model.js';
import { WORKSPACE_SCOPE } from './provider.js';

/** What oidc-provider issues as an opaque access token: 256 random bits, base64url. */
export const ACCESS_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

interface TokenFacts {
  exp: number;
  aud: string | undefined;
  scopes: string[];
  connection: Pick<OAuthConnectionDoc, '_id' | 'workspaceId' | 'clientName' | 'connectedBy' | 'revokedAt'> | null;
}

const MAX_TOKENS = 10_000;

/**
 * Turns an OAuth access token into the caller of the public API: the workspace of the grant's
 * connection, as a member key would act, with the connection's id standing in for a key id
 * (rate limits and stamps). What a token resolves to is trusted for `cacheMs`, like API keys:
 * a token or connection revoked through another process is refused here within that time, at
 * once when it was revoked through this process (`forget`).
 */
export function createOAuthBearer({ connection, logger, provider, resource, cacheMs }: { connection: Connection; logger: Logger; provider: Provider; resource: string; cacheMs: number }) {
  const Connections = oauthConnectionModel(connection);
  const cache = cacheMs > 0 ? new LRUCache<string, TokenFacts>({ max: MAX_TOKENS, ttl: cacheMs }) : null;
  const lastUsed = createLastUsedTracker(Connections, (err) => logger.warn({ err }, 'could not record a connection lastUsedAt'));

  const load = async (token: string): Promise<TokenFacts | null> => {
    const found = await provider.AccessToken.find(token, { ignoreExpiration: true });
    if (!found) return null;
    const linked = await Connections.findOne({ grantId: found.grantId }, { workspaceId: 1, clientName: 1, connectedBy: 1, revokedAt: 1 }).lean<TokenFacts['connection']>();
    const aud = Array.isArray(found.aud) ? found.aud[0] : found.aud;
    return { exp: found.exp ?? 0, aud, scopes: (found.scope ?? '').split(' '), connection: linked };
  };

  return {
    async authenticate(token: string, now = Date.now()): Promise<ApiKeyAuth> {
      const key = accessTokenKey(token);
      let facts = cache?.get(key) ?? null;
      if (!facts) {
        facts = await load(token);
        if (facts) cache?.set(key, facts);
      }
      if (!facts || facts.aud !== resource || !facts.scopes.includes(WORKSPACE_SCOPE)) {
        throw new UnauthorizedError('The access token is not valid: connect the app to NebulaHex again.', 'invalid_access_token');
      }
      const linked = facts.connection;
      if (!linked || linked.revokedAt) {
        throw new UnauthorizedError('This app was disconnected from the workspace: connect it to NebulaHex again.', 'access_token_revoked');
      }
      if (facts.exp * 1000 <= now) {
        throw new UnauthorizedError('The access token has expired: get a new one with the refresh token.', 'access_token_expired');
      }
      lastUsed.touch(linked._id);
      return { workspaceId: linked.workspaceId, apiKeyId: linked._id, role: 'member', oauth: { connectionId: linked._id, clientName: linked.clientName, connectedBy: linked.connectedBy } };
    },

    /** This process forgets what it trusted (a revocation made here). */
    forget(kind: 'token' | 'grant', id: string): void {
      if (kind === 'token') cache?.delete(id);
      else cache?.clear(); // revocations are rare: forgetting everything is simpler than an index by grant
    },
  };
}
