import type { Model } from 'mongoose';

const WRITE_EVERY_MS = 60_000;

/**
 * Keeps `lastUsedAt` at minute precision without a database write per request: each
 * process remembers when it last wrote a key's timestamp and writes again at most once
 * a minute. The memory is per process on purpose — several processes may each write
 * once a minute, which is cheap and needs no coordination, and the value stays correct
 * to within a minute, which is all a "last used" column needs.
 */
export function createLastUsedTracker<T extends { lastUsedAt: Date | null }>(ApiKeys: Model<T>, log: (error: unknown) => void) {
  const lastWritten = new Map<string, number>();
  return {
    touch(apiKeyId: string, now = Date.now()): void {
      const previous = lastWritten.get(apiKeyId);
      if (previous !== undefined && now - previous < WRITE_EVERY_MS) return;
      lastWritten.set(apiKeyId, now);
      // Not awaited: a slow write must not delay the request it describes. $max: a slower
      // process never moves the stamp back.
      ApiKeys.updateOne({ _id: apiKeyId }, { $max: { lastUsedAt: new Date(now) } }).catch(log);
    },
  };
}
