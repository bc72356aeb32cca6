import type { Connection } from 'mongoose';
import { hookModel, type HookDoc } from '../hooks/model.js';
import { deliveryModel } from './model.js';
import type { WorkItem } from './queue.js';
import { NO_LEASE } from './record.js';

/**
 * A delivery to attempt with the subscription whose lane it waits in. A plain id is one
 * whose subscription the caller did not know (or a job stored before lanes existed): the
 * engine reads it.
 */
export type DeliveryRef = string | { id: string; subscriptionId: string };

/** What a delivery job carries: deliveries with their subscription, and plain ids (older jobs, or callers that knew only the id). */
export interface DeliveryJobData {
  deliveries?: Array<{ id: string; subscriptionId: string }>;
  deliveryIds?: string[];
  /** A retry queued before retries were batched. */
  deliveryId?: string;
}

export function jobDataOf(refs: DeliveryRef[]): DeliveryJobData {
  const deliveries = refs.filter((ref) => typeof ref !== 'string');
  const deliveryIds = refs.filter((ref) => typeof ref === 'string');
  return { ...(deliveries.length > 0 ? { deliveries } : {}), ...(deliveryIds.length > 0 ? { deliveryIds } : {}) };
}

export function refsOfJob({ deliveries = [], deliveryIds = [], deliveryId }: DeliveryJobData): DeliveryRef[] {
  return [...deliveries, ...deliveryIds, ...(deliveryId ? [deliveryId] : [])];
}

/** The work items of `refs`, reading the subscription of plain ids in one query (a delivery gone by now is left out). */
export async function workItemsOf(connection: Connection, refs: DeliveryRef[]): Promise<WorkItem[]> {
  const known = refs.filter((ref) => typeof ref !== 'string').map((ref) => ({ id: ref.id, lane: ref.subscriptionId }));
  const plain = refs.filter((ref) => typeof ref === 'string');
  if (plain.length === 0) return known;
  const rows = await deliveryModel(connection).find({ _id: { $in: plain } }, { subscriptionId: 1 }).lean<Array<{ _id: string; subscriptionId: string }>>();
  return [...known, ...rows.map((row) => ({ id: row._id, lane: row.subscriptionId }))];
}

/** How long a lane's limit, once read, stands for the subscription's `maxConcurrency`: a changed limit applies within this. */
export const LANE_LIMIT_FRESH_MS = 5_000;
/** Limits not read again for this long are forgotten (their lanes have long been idle). */
const FORGET_AFTER_MS = 3_600_000;

export interface LaneLimits {
  /** The lane's limit as last read; the default until it was. */
  of(subscriptionId: string): number;
  /** Notes the limits of subscriptions just read (the delivery path's subscription cache). */
  note(hooks: Array<Pick<HookDoc, '_id' | 'maxConcurrency'>>): void;
  /** Reads, in one query, the limits of the lanes not read within LANE_LIMIT_FRESH_MS; null when every one is fresh (nothing to wait for). */
  refresh(subscriptionIds: Iterable<string>): Promise<void> | null;
}

/** Each subscription's concurrency limit (its `maxConcurrency`, or the default), read at most every LANE_LIMIT_FRESH_MS. */
export function createLaneLimits(connection: Connection, defaultLimit: number): LaneLimits {
  const limits = new Map<string, { limit: number; readAt: number }>();
  const note = (hooks: Array<Pick<HookDoc, '_id' | 'maxConcurrency'>>, readAt = Date.now()): void => {
    for (const hook of hooks) limits.set(hook._id, { limit: hook.maxConcurrency ?? defaultLimit, readAt });
  };
  const forgetOld = (now: number): void => {
    for (const [id, { readAt }] of limits) if (now - readAt > FORGET_AFTER_MS) limits.delete(id);
  };
  return {
    of: (subscriptionId) => limits.get(subscriptionId)?.limit ?? defaultLimit,
    note: (hooks) => note(hooks),
    refresh(subscriptionIds) {
      const now = Date.now();
      const stale = [...new Set(subscriptionIds)].filter((id) => now - (limits.get(id)?.readAt ?? 0) > LANE_LIMIT_FRESH_MS);
      if (stale.length === 0) return null;
      if (limits.size > 10_000) forgetOld(now);
      const read = hookModel(connection).find({ _id: { $in: stale } }, { maxConcurrency: 1 }).lean<Array<Pick<HookDoc, '_id' | 'maxConcurrency'>>>();
      // A deleted subscription's deliveries get the default: their attempt only ends them.
      return read.then((hooks) => note([...stale.map((_id) => ({ _id, maxConcurrency: null })), ...hooks], now));
    },
  };
}

/** How much later than now a delivery a full lane released falls due again. */
export const RELEASE_DELAY_MS = 1_000;

/**
 * Gives deliveries this process claimed at fan-out back to the database, unattempted: pending,
 * unlocked, due a moment later. Only those still locked by one of `owners` (claim tokens of
 * this process, unique to it) change, so one another worker took over in the meantime is left
 * alone; every process claims them again the normal way.
 */
export async function releaseClaimed(connection: Connection, released: Array<{ id: string; owner: string }>, now = new Date()): Promise<void> {
  if (released.length === 0) return;
  await deliveryModel(connection).updateMany(
    { _id: { $in: released.map((item) => item.id) }, status: 'sending', lockedBy: { $in: [...new Set(released.map((item) => item.owner))] } },
    { $set: { status: 'pending', lockedBy: null, lockedUntil: NO_LEASE, nextAttemptAt: new Date(now.getTime() + RELEASE_DELAY_MS), updatedAt: now } },
  );
}
