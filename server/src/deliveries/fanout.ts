import type { Connection } from 'mongoose';
import { newId } from '../db/model.js';
import type { EventDoc } from '../events/model.js';
import { hookModel, type HookDoc } from '../hooks/model.js';
import { deliveryModel, type DeliveryDoc } from './model.js';
import { NO_LEASE } from './record.js';

export interface FanOutResult {
  /** Deliveries this call created that are due now (paused subscriptions' are held instead). */
  dueIds: string[];
  /** Every delivery of the event for the matching subscriptions, new or not. */
  deliveryIds: string[];
}

/**
 * Stores one delivery per matching subscription: same workspace and event type, and no bot
 * filter or the event's bot. The unique index on {eventId, subscriptionId} makes publishing
 * the same event again create nothing twice.
 */
export async function fanOut(connection: Connection, event: EventDoc, onlySubscriptionId?: string): Promise<FanOutResult> {
  const Deliveries = deliveryModel(connection);
  await Deliveries.init(); // the unique index must exist before the first delivery is written
  const filter = onlySubscriptionId
    ? { _id: onlySubscriptionId, workspaceId: event.workspaceId }
    : { workspaceId: event.workspaceId, event: event.type, botId: { $in: [null, ...(event.botId ? [event.botId] : [])] } };
  const hooks = await hookModel(connection).find(filter, { _id: 1, status: 1 }).lean<Array<Pick<HookDoc, '_id' | 'status'>>>();
  if (hooks.length === 0) return { dueIds: [], deliveryIds: [] };

  const now = new Date();
  const candidates = hooks.map((hook) => newDelivery(event, hook, now));
  const inserted = await Promise.all(candidates.map((delivery) => insertUnlessPresent(Deliveries, delivery)));
  return {
    dueIds: candidates.filter((delivery, index) => inserted[index] && delivery.status === 'pending').map((delivery) => delivery._id),
    // Only a republished event needs the ids stored earlier: the lookup by eventId is a
    // full scan on FerretDB 1.x, so the common case (every insert new) skips it.
    deliveryIds: inserted.every(Boolean) ? candidates.map((delivery) => delivery._id) : await storedDeliveryIds(Deliveries, event, hooks),
  };
}

async function storedDeliveryIds(Deliveries: ReturnType<typeof deliveryModel>, event: EventDoc, hooks: Array<Pick<HookDoc, '_id'>>): Promise<string[]> {
  const rows = await Deliveries.find({ eventId: event._id, subscriptionId: { $in: hooks.map((hook) => hook._id) } }, { _id: 1 }).lean<Array<{ _id: string }>>();
  return rows.map((row) => row._id);
}

const DUPLICATE_KEY = 11000;

/**
 * A plain insert, so the unique index decides: an upsert is a read then a write on
 * FerretDB 1.x, and two concurrent publishes of one event could both think they created it.
 */
async function insertUnlessPresent(Deliveries: ReturnType<typeof deliveryModel>, delivery: DeliveryDoc): Promise<boolean> {
  try {
    await Deliveries.create(delivery);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
    throw error;
  }
}

function newDelivery(event: EventDoc, hook: Pick<HookDoc, '_id' | 'status'>, now: Date): DeliveryDoc {
  return {
    _id: newId('dlv'),
    eventId: event._id,
    subscriptionId: hook._id,
    workspaceId: event.workspaceId,
    eventType: event.type,
    status: hook.status === 'paused' ? 'held' : 'pending',
    attemptCount: 0,
    roundStart: 0,
    nextAttemptAt: now,
    lockedUntil: NO_LEASE,
    lockedBy: null,
    lastStatusCode: null,
    lastDurationMs: null,
    failureReason: null,
    attempts: [],
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
}
