import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import type { EventDoc } from '../events/model.js';
import { hookModel, receivesEvent, type HookDoc } from '../hooks/model.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { NO_LEASE } from './record.js';

export interface FanOutResult {
  /** Deliveries this call created that are due now and not claimed (paused subscriptions' are held instead). */
  dueIds: string[];
  /** Deliveries this call created already claimed for `options.claim`, ready for their first attempt. */
  claimed: DeliveryDoc[];
  /** Every delivery of the event for the matching subscriptions, new or not. */
  deliveryIds: string[];
  /** The matching subscriptions as read now: the first attempts of `claimed` use them instead of reading them again. */
  subscriptions: HookDoc[];
}

/** A process that will make the first attempts itself creates the deliveries locked to it, saving a write each. */
export interface DeliveryClaim {
  owner: string;
  lockedUntil: Date;
}

export interface FanOutOptions {
  /** Deliver to this subscription only (test events). */
  onlySubscriptionId?: string | undefined;
  claim?: DeliveryClaim | null | undefined;
}

/**
 * Stores one delivery per matching subscription: same workspace, the event's type among its types, and no bot
 * filter or the event's bot. The unique index on {eventId, subscriptionId} makes publishing
 * the same event again create nothing twice.
 */
export async function fanOut(connection: Connection, event: EventDoc, { onlySubscriptionId, claim }: FanOutOptions = {}): Promise<FanOutResult> {
  const Deliveries = deliveryModel(connection);
  await Deliveries.init(); // the unique index must exist before the first delivery is written
  const filter = onlySubscriptionId
    ? { _id: onlySubscriptionId, workspaceId: event.workspaceId }
    : { workspaceId: event.workspaceId, ...receivesEvent(event.type), botId: { $in: [null, ...(event.botId ? [event.botId] : [])] } };
  const hooks = await hookModel(connection).find(filter).lean<HookDoc[]>();
  if (hooks.length === 0) return { dueIds: [], claimed: [], deliveryIds: [], subscriptions: [] };

  const now = new Date();
  const candidates = hooks.map((hook) => newDelivery(event, hook, now, claim));
  const inserted = await insertUnlessPresent(Deliveries, candidates);
  const created = candidates.filter((_, index) => inserted[index]);
  return {
    dueIds: created.filter((delivery) => delivery.status === 'pending').map((delivery) => delivery._id),
    claimed: created.filter((delivery) => delivery.status === 'sending'),
    // Only a republished event needs the ids stored earlier: the common case (every insert new) skips the query.
    deliveryIds: inserted.every(Boolean) ? candidates.map((delivery) => delivery._id) : await storedDeliveryIds(Deliveries, event, hooks),
    subscriptions: hooks,
  };
}

async function storedDeliveryIds(Deliveries: ReturnType<typeof deliveryModel>, event: EventDoc, hooks: Array<Pick<HookDoc, '_id'>>): Promise<string[]> {
  const rows = await Deliveries.find({ eventId: event._id, subscriptionId: { $in: hooks.map((hook) => hook._id) } }, { _id: 1 }).lean<Array<{ _id: string }>>();
  return rows.map((row) => row._id);
}

const DUPLICATE_KEY = 11000;

/**
 * One unordered insert of every candidate, so the unique index on {eventId, subscriptionId}
 * decides which are new, in one command: of two concurrent publishes of one event, each
 * delivery is created by exactly one. Answers, per candidate, whether this call inserted it.
 */
async function insertUnlessPresent(Deliveries: ReturnType<typeof deliveryModel>, candidates: DeliveryDoc[]): Promise<boolean[]> {
  try {
    // The driver's collection: one command for all, and mongoose's insertMany would re-cast documents built right here.
    await (Deliveries.collection as unknown as Collection<DeliveryDoc>).insertMany(candidates, { ordered: false });
    return candidates.map(() => true);
  } catch (error) {
    const writeErrors = (error as { writeErrors?: Array<{ index: number; code?: number }> }).writeErrors;
    if (!writeErrors || writeErrors.some((failure) => failure.code !== DUPLICATE_KEY)) throw error;
    const duplicates = new Set(writeErrors.map((failure) => failure.index));
    return candidates.map((_, index) => !duplicates.has(index));
  }
}

function newDelivery(event: EventDoc, hook: Pick<HookDoc, '_id' | 'status'>, now: Date, claim: DeliveryClaim | null | undefined): DeliveryDoc {
  const lock = hook.status === 'paused' ? null : (claim ?? null);
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
