import type { Connection } from 'mongoose';
import type Provider from 'oidc-provider';
import type { RuntimeConfig } from '../config.js';
import type { AppDeps } from '../http/deps.js';
import { deleteGrantRecords } from './adapter.js';
import { createOAuthBearer } from './bearer.js';
import { apiResource, createOAuthProvider } from './provider.js';
import { createConnectionService, type ConnectionService } from './service.js';

export interface OAuthPlatform {
  provider: Provider;
  /** The resource (public API URL) every access token is issued for. */
  resource: string;
  bearer: ReturnType<typeof createOAuthBearer>;
  connections: ConnectionService;
}

const platforms = new WeakMap<Connection, OAuthPlatform>();

/**
 * The app's OAuth provider, its token check and its connected apps: one per database
 * connection (one per app), so the middleware, the consent routes and the portal's list share
 * the provider and the cache of tokens.
 */
export function oauthOf(config: RuntimeConfig, deps: Pick<AppDeps, 'connection' | 'logger'>): OAuthPlatform {
  const existing = platforms.get(deps.connection);
  if (existing) return existing;
  const resource = apiResource(config);
  const forget: Parameters<typeof createOAuthProvider>[2] = (kind, id) => bearer.forget(kind, id);
  const provider = createOAuthProvider(config, deps.connection, forget);
  const bearer = createOAuthBearer({ connection: deps.connection, logger: deps.logger, provider, resource, cacheMs: config.API_KEY_CACHE_MS });
  const connections = createConnectionService(deps.connection, async (grantId) => {
    await deleteGrantRecords(deps.connection, grantId);
    bearer.forget('grant', grantId);
  });
  const platform = { provider, resource, bearer, connections };
  platforms.set(deps.connection, platform);
  return platform;
}
