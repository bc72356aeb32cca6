import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { createGroupCommit, insertEach, type InsertResult } from '../db/group-commit.js';
import { newId } from '../db/model.js';
import type { EventDoc } from '../events/model.js';
import { receives, subscriptionCacheOf } from '../hooks/cache.js';
import { hookModel, type HookDoc } from '../hooks/model.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { NO_LEASE } from './record.js';

export interface FanOutResult {
  /** Deliveries this call created that are due now and not claimed (paused subscriptions' are held instead), with their subscription (their lane). */
  due: Array<{ id: string; subscriptionId: string }>;
  /** Deliveries this call created already claimed for `options.claim`, ready for their first attempt. */
  claimed: DeliveryDoc[];
  /** Every delivery of the event for the matching subscriptions, new or not. */
  deliveryIds: string[];
}

/** A process that will make the first attempts itself creates the deliveries locked to it, saving a write each. */
export interface DeliveryClaim {
  owner: string;
  lockedUntil: Date;
  /**
   * Subscriptions whose lane in this process has no room and is not moving: their new
   * deliveries are stored unclaimed and due, to be taken from the database when a lane has
   * room, rather than claimed only to be released again (a write per delivery saved).
   */
  declines?(subscriptionId: string): boolean;
}

export interface FanOutOptions {
  /** Deliver to this subscription only (test events). */
  onlySubscriptionId?: string | undefined;
  claim?: DeliveryClaim | null | undefined;
}

export type FanOut = (event: EventDoc, options?: FanOutOptions) => Promise<FanOutResult>;

/** Deliveries of concurrent fan-outs written in one insert at most. */
const MAX_BATCH = 1_000;

/**
 * Stores one delivery per matching subscription: same workspace, the event's type among its
 * types, and no bot filter or the event's bot. The subscriptions come from the subscription
 * cache (at most SUBSCRIPTION_CACHE_MS old). Concurrent fan-outs share one insert (group
 * commit); each resolves once its own deliveries are stored. The unique index on
 * {eventId, subscriptionId} makes publishing the same event again create nothing twice.
 */
export function createFanOut(connection: Connection, cacheMs?: number): FanOut {
  const Deliveries = deliveryModel(connection);
  const subscriptions = subscriptionCacheOf(connection, cacheMs);
  // The driver's collection: one command for all, and mongoose's insertMany would re-cast documents built right here.
  const collection = Deliveries.collection as unknown as Collection<DeliveryDoc>;
  const insert = createGroupCommit<DeliveryDoc[], InsertResult[]>({
    maxBatch: MAX_BATCH,
    async flush(groups) {
      await Deliveries.init(); // the unique index must exist before the first delivery is written
      const results = await insertEach(collection, groups.flat());
      let offset = 0;
      return groups.map((group) => {
        const own = results.slice(offset, (offset += group.length));
        const failure = own.find((result) => result instanceof Error);
        return failure instanceof Error ? failure : (own as InsertResult[]);
      });
    },
  });

  const matching = async (event: EventDoc, onlySubscriptionId: string | undefined): Promise<HookDoc[]> => {
    const hooks = await subscriptions.ofWorkspace(event.workspaceId);
    if (!onlySubscriptionId) return Promise.all(hooks.filter((hook) => receives(hook, event)).map(unlessResumed));
    // A test event for a subscription made in another process moments ago, maybe newer than the cache.
    const hook = hooks.find((candidate) => candidate._id === onlySubscriptionId) ?? (await hookModel(connection).findById(onlySubscriptionId).lean<HookDoc>());
    return hook && hook.workspaceId === event.workspaceId ? [hook] : [];
  };

  /** A subscription the cache has paused is read again: deliveries created held while it was resumed would wait for the next resume. */
  const unlessResumed = async (hook: HookDoc): Promise<HookDoc> =>
    hook.status === 'paused' ? ((await hookModel(connection).findById(hook._id).lean<HookDoc>()) ?? hook) : hook;

  return async (event, { onlySubscriptionId, claim } = {}) => {
    const hooks = await matching(event, onlySubscriptionId);
    if (hooks.length === 0) return { due: [], claimed: [], deliveryIds: [] };
    const now = new Date();
    const candidates = hooks.map((hook) => newDelivery(event, hook, now, claim));
    const results = await insert(candidates);
    const created = candidates.filter((_, index) => results[index] === 'inserted');
    return {
      due: created.filter((delivery) => delivery.status === 'pending').map((delivery) => ({ id: delivery._id, subscriptionId: delivery.subscriptionId })),
      claimed: created.filter((delivery) => delivery.status === 'sending'),
      // Only a republished event needs the ids stored earlier: the common case (every insert new) skips the query.
      deliveryIds: created.length === candidates.length ? candidates.map((delivery) => delivery._id) : await storedDeliveryIds(Deliveries, event, hooks),
    };
  };
}

async function storedDeliveryIds(Deliveries: ReturnType<typeof deliveryModel>, event: EventDoc, hooks: Array<Pick<HookDoc, '_id'>>): Promise<string[]> {
  const rows = await Deliveries.find({ eventId: event._id, subscriptionId: { $in: hooks.map((hook) => hook._id) } }, { _id: 1 }).lean<Array<{ _id: string }>>();
  return rows.map((row) => row._id);
}

function newDelivery(event: EventDoc, hook: Pick<HookDoc, '_id' | 'status'>, now: Date, claim: DeliveryClaim | null | undefined): DeliveryDoc {
  const lock = hook.status === 'paused' || !claim || claim.declines?.(hook._id) ? null : claim;
  const status = hook.status === 'paused' ? 'held' : lock ? 'sending' : 'pending';
  return {
    _id: newId('dlv'),
    eventId: event._id,
    subscriptionId: hook._id,
    workspaceId: event.workspaceId,
    eventType: event.type,
    status,
    attemptCount: 0,
    roundStart: 0,
    nextAttemptAt: now,
    lockedUntil: lock?.lockedUntil ?? NO_LEASE,
    lockedBy: lock?.owner ?? null,
    lastStatusCode: null,
    lastDurationMs: null,
    failureReason: null,
    attempts: [],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}
