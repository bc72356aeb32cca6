import type { Connection } from 'mongoose';
import { perConnection } from '../db/per-connection.js';
import { createReadCache, type ReadCache } from '../db/read-cache.js';
import { eventsOf, hookModel, type HookDoc } from './model.js';

/** HOOK_CACHE_MS's default: how stale a process's view of the subscriptions may be. */
export const DEFAULT_HOOK_CACHE_MS = 1_000;
const MAX_WORKSPACES = 10_000;

/**
 * The subscriptions as the delivery path sees them: fan-out and attempts read them from here
 * instead of from the database each time. A process's view of a workspace's subscriptions is
 * at most `ttlMs` old (HOOK_CACHE_MS): a pause, deletion, new secret, new target or new
 * subscription made in another process is honoured by every attempt and fan-out that starts
 * more than `ttlMs` after it; one made through this process, at once (`forgetSubscriptions`).
 */
export interface SubscriptionCache {
  /** Every subscription of the workspace. */
  ofWorkspace(workspaceId: string): Promise<HookDoc[]>;
  /**
   * The subscription an attempt sends to: the cached one while it is active there; read afresh
   * when the cache lacks it (deleted, or newer than the cache) or has it paused (maybe resumed
   * since), so no delivery is abandoned or held on a stale view. Null: it no longer exists.
   */
  forAttempt(workspaceId: string, id: string): Promise<HookDoc | null>;
}

const caches = perConnection<ReadCache<HookDoc[]>>();

/** This process's subscription cache on `connection` (the first caller's `ttlMs` sets its bound). */
export function subscriptionCacheOf(connection: Connection, ttlMs = DEFAULT_HOOK_CACHE_MS): SubscriptionCache {
  const Hooks = hookModel(connection);
  const workspaces = caches.of(connection, () =>
    createReadCache({ ttlMs, max: MAX_WORKSPACES, load: (workspaceId) => Hooks.find({ workspaceId }).lean<HookDoc[]>().exec() }),
  );
  return {
    ofWorkspace: (workspaceId) => workspaces.get(workspaceId),
    async forAttempt(workspaceId, id) {
      const cached = (await workspaces.get(workspaceId)).find((hook) => hook._id === id);
      if (cached?.status === 'active') return cached;
      return Hooks.findById(id).lean<HookDoc>();
    },
  };
}

/** Call after writing a workspace's subscriptions: this process sees the change at once. */
export function forgetSubscriptions(connection: Connection, workspaceId: string): void {
  caches.peek(connection)?.forget(workspaceId);
}

/** Whether a subscription receives an event: its type among the hook's types, and no bot filter or the event's bot. */
export function receives(hook: Pick<HookDoc, 'event' | 'events' | 'botId'>, event: { type: string; botId: string | null }): boolean {
  return eventsOf(hook).includes(event.type) && (!hook.botId || hook.botId === event.botId);
}
