import { LRUCache } from 'lru-cache';

/** A read-through cache whose entries are at most `ttlMs` old, counted from when their read started. */
export interface ReadCache<V> {
  get(key: string): Promise<V>;
  /** Drops the entry at once (after this process's own write), so the next `get` reads again. */
  forget(key: string): void;
  /** Drops every entry whose key passes `test` (a workspace's pages, say). */
  forgetWhere(test: (key: string) => boolean): void;
}

export interface ReadCacheOptions<V> {
  ttlMs: number;
  /** Entries kept at most (least recently used go first). */
  max: number;
  load(key: string): Promise<V>;
}

/**
 * Keeps the promise of each read, so concurrent gets of one key share one read, and an entry's
 * age counts from the read's start: a write that another process finished before a read
 * started is seen by every get that comes more than `ttlMs` after it. A read that fails is
 * dropped, never served. `ttlMs` 0 reads every time.
 */
export function createReadCache<V>({ ttlMs, max, load }: ReadCacheOptions<V>): ReadCache<V> {
  if (ttlMs <= 0) return { get: load, forget: () => undefined, forgetWhere: () => undefined };
  const entries = new LRUCache<string, Promise<V>>({ max, ttl: ttlMs });
  return {
    get(key) {
      const cached = entries.get(key);
      if (cached) return cached;
      const reading = load(key);
      entries.set(key, reading);
      reading.catch(() => {
        if (entries.peek(key) === reading) entries.delete(key);
      });
      return reading;
    },
    forget: (key) => void entries.delete(key),
    forgetWhere(test) {
      for (const key of [...entries.keys()]) if (test(key)) entries.delete(key);
    },
  };
}
