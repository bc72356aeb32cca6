import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import { perConnection } from '../db/per-connection.js';
import type { ApiKeyDoc } from './model.js';

/** What authentication needs of a key. */
export type AuthKey = Pick<ApiKeyDoc, '_id' | 'workspaceId' | 'role' | 'revokedAt' | 'hash'>;

const MAX_KEYS = 10_000;
const caches = perConnection<LRUCache<string, AuthKey>>();

/**
 * The keys this process authenticated recently, by hash, for `ttlMs` (API_KEY_CACHE_MS):
 * a request within that time needs no database read to authenticate. One cache per
 * connection, shared by the auth middleware and the key service, so a revocation made
 * through this process takes effect here at once; other processes refuse the key once
 * their entry is `ttlMs` old, which bounds how stale a revocation can be.
 */
export function keyCacheOf(connection: Connection, ttlMs: number): LRUCache<string, AuthKey> | null {
  if (ttlMs <= 0) return null;
  return caches.of(connection, () => new LRUCache<string, AuthKey>({ max: MAX_KEYS, ttl: ttlMs }));
}

/** Forgets a key in this process at once (its revocation), whatever the cache window. */
export function forgetCachedKey(connection: Connection, hash: string): void {
  caches.peek(connection)?.delete(hash);
}
