import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import { API_KEY_PATTERN, hashApiKey } from './keys.js';
import { createLastUsedTracker } from './last-used.js';
import { keyCacheOf, type AuthKey } from './key-cache.js';
import { apiKeyModel, type ApiKeyRole } from './model.js';
import { purgeExpiredReveals } from './service.js';

const PURGE_EVERY_MS = 60_000;

/** Who is calling: set on `ctx.state.auth` by `apiKeyAuth`. */
export interface ApiKeyAuth {
  workspaceId: string;
  /** The key; for a portal session, the session's id (`psn_…`), which rate limits and stamps use alike. */
  apiKeyId: string;
  role: ApiKeyRole;
  /** Set when the caller is a portal session (cookie) rather than an API key. */
  portalSessionId?: string;
  /** Set when the caller is an app connected with OAuth (its access token); `apiKeyId` is then the connection's id. */
  oauth?: { connectionId: string; clientName: string; connectedBy: string };
}

/** A bearer credential that is not an API key (an OAuth access token): its caller, or a 401. */
export interface OtherBearer {
  accepts: (token: string) => boolean;
  authenticate: (token: string) => Promise<ApiKeyAuth>;
}

/** Another credential than a bearer key (a portal session): the caller, or null when the request has none. */
export type AlternativeAuth = (ctx: Context) => Promise<ApiKeyAuth | null>;

/** The bearer credential of a request, or undefined when there is none. */
export function bearerToken(ctx: Context): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(ctx.get('Authorization'));
  return match?.[1];
}

/**
 * Answers 401 unless the request carries a live API key (or a bearer `otherBearer` accepts,
 * or, without an Authorization header, what `alternative` accepts); then sets `ctx.state.auth`.
 * Keys are read through a cache of `cacheMs` (see key-cache.ts): a key revoked through
 * another process stops working here within that time.
 * At most once a minute per process it also destroys sealed keys whose reveal window
 * has ended (a sweep rather than a TTL index, which the embedded database lacks).
 */
export function apiKeyAuth({ connection, logger, cacheMs, alternative, otherBearer }: { connection: Connection; logger: Logger; cacheMs: number; alternative?: AlternativeAuth; otherBearer?: OtherBearer }): Middleware {
  const ApiKeys = apiKeyModel(connection);
  const fields = { workspaceId: 1, role: 1, revokedAt: 1, hash: 1 };
  const cache = keyCacheOf(connection, cacheMs);
  // Requests of one key that miss the cache together share one read (with the cache on).
  const reading = new Map<string, Promise<AuthKey | null>>();
  const read = async (hash: string): Promise<AuthKey | null> => {
    const found = await ApiKeys.findOne({ hash }, fields).lean<AuthKey>();
    if (found) cache?.set(hash, found);
    return found;
  };
  const findByHash = (hash: string): Promise<AuthKey | null> => {
    const cached = cache?.get(hash);
    if (cached) return Promise.resolve(cached);
    if (!cache) return read(hash);
    let lookup = reading.get(hash);
    if (!lookup) reading.set(hash, (lookup = read(hash).finally(() => reading.delete(hash))));
    return lookup;
  };
  const lastUsed = createLastUsedTracker(ApiKeys, (err) => logger.warn({ err }, 'could not record lastUsedAt'));
  let lastPurge = 0;
  return async (ctx, next) => {
    if (Date.now() - lastPurge > PURGE_EVERY_MS) {
      lastPurge = Date.now();
      purgeExpiredReveals(connection).catch((err: unknown) => logger.warn({ err }, 'reveal purge failed'));
    }
    const key = bearerToken(ctx);
    if (key === undefined) {
      const auth = await alternative?.(ctx);
      if (!auth) throw new UnauthorizedError(undefined, 'missing_api_key');
      ctx.state.auth = auth;
      return next();
    }
    if (otherBearer?.accepts(key)) {
      ctx.state.auth = await otherBearer.authenticate(key);
      return next();
    }
    if (!API_KEY_PATTERN.test(key)) {
      throw new UnauthorizedError('The API key is malformed: keys look like "nhx_sk_…".', 'malformed_api_key');
    }
    const hash = hashApiKey(key);
    const found = await findByHash(hash);
    // The lookup matched on the hash already; comparing again in constant time keeps
    // the decision itself free of timing differences whatever the index does.
    if (!found || !timingSafeEqual(Buffer.from(found.hash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new UnauthorizedError('The API key is not valid.', 'invalid_api_key');
    }
    if (found.revokedAt) throw new UnauthorizedError('The API key was revoked: create a new one.', 'api_key_revoked');
    ctx.state.auth = { workspaceId: found.workspaceId, apiKeyId: found._id, role: found.role };
    lastUsed.touch(found._id);
    await next();
  };
}

/** The caller of an authenticated route (the route is mounted behind `apiKeyAuth`). */
export function authOf(ctx: Context): ApiKeyAuth {
  const auth = ctx.state.auth;
  if (!auth) throw new UnauthorizedError();
  return auth;
}

/** Lets only admin keys through (403 `admin_key_required` for member keys). */
export function requireAdmin(): Middleware {
  return async (ctx, next) => {
    if (authOf(ctx).role !== 'admin') {
      throw new ForbiddenError('Only admin API keys can manage API keys.', 'admin_key_required');
    }
    await next();
  };
}
