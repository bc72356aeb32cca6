import type { Collection, UpdateFilter } from 'mongodb';
import type { Connection } from 'mongoose';
import { createGroupCommit } from '../db/group-commit.js';
import { forgetSubscriptions } from '../hooks/cache.js';
import { hookModel, type HookDoc } from '../hooks/model.js';
import { hookStats } from '../hooks/stats.js';
import { deliveryModel, type AttemptDoc, type DeliveryDoc } from './model.js';
import type { AttemptOutcome } from './outcome.js';
import type { SendResult } from './sender.js';

/** A lease that nobody holds: the sweep treats any past date as expired. */
export const NO_LEASE = new Date(0);

export interface PausePolicy {
  afterFailures: number;
  afterHours: number;
}

/** What a worker writes to a delivery it holds: applied only while it still holds the lock (`token`). */
interface HeldWrite {
  deliveryId: string;
  token: string;
  update: UpdateFilter<DeliveryDoc>;
  /** Whether the write was applied, asked only when a batch applied fewer writes than it held (a lock ran out). */
  applied?: () => Promise<boolean>;
}

/** Writes of concurrent attempts sent in one bulk write at most. */
const MAX_BATCH = 500;

export interface DeliveryWriter {
  /**
   * Stores one attempt and the delivery's next state, but only while this worker still holds
   * the lock (`token`): a worker whose lock ran out never overwrites the one that took over.
   * Returns false when the lock was lost.
   */
  record(delivery: DeliveryDoc, token: string, result: SendResult, outcome: AttemptOutcome, now?: Date): Promise<boolean>;
  /** Ends a claimed delivery without an attempt (its subscription or event no longer exists). */
  abandon(deliveryId: string, token: string, reason: string, now?: Date): Promise<void>;
  /** Parks a claimed delivery of a paused subscription until it is resumed. */
  hold(deliveryId: string, token: string, now?: Date): Promise<void>;
}

/**
 * The outcomes of concurrent attempts are written together: every write that arrives while a
 * bulk write is in flight goes into the next one (group commit), so under load the database
 * sees one command per batch of attempts instead of one per attempt. Each caller resolves
 * once its own write is stored.
 */
export function createDeliveryWriter(connection: Connection): DeliveryWriter {
  const Deliveries = deliveryModel(connection);
  const collection = Deliveries.collection as unknown as Collection<DeliveryDoc>;
  const write = createGroupCommit<HeldWrite, boolean>({
    maxBatch: MAX_BATCH,
    async flush(writes) {
      const result = await collection.bulkWrite(
        writes.map(({ deliveryId, token, update }) => ({ updateOne: { filter: { _id: deliveryId, lockedBy: token }, update } })),
        { ordered: false },
      );
      if (result.matchedCount === writes.length) return writes.map(() => true);
      return Promise.all(writes.map((held) => (held.applied ? held.applied() : Promise.resolve(false))));
    },
  });
  const unlocked = (now: Date) => ({ lockedBy: null, lockedUntil: NO_LEASE, updatedAt: now });

  return {
    record(delivery, token, result, outcome, now = new Date()) {
      const attempt: AttemptDoc = {
        number: delivery.attemptCount + 1,
        startedAt: new Date(now.getTime() - result.durationMs),
        durationMs: result.durationMs,
        statusCode: 'statusCode' in result ? result.statusCode : null,
        error: outcome.kind === 'delivered' ? null : outcome.reason,
        responseExcerpt: result.responseExcerpt,
        outcome: outcome.kind,
      };
      const update = {
        $push: { attempts: attempt },
        $inc: { attemptCount: 1 },
        $set: { ...nextState(outcome, now), lastStatusCode: attempt.statusCode, lastDurationMs: attempt.durationMs, ...unlocked(now) },
      };
      const applied = async () => (await Deliveries.exists({ _id: delivery._id, attempts: { $elemMatch: { number: attempt.number, startedAt: attempt.startedAt } } })) !== null;
      return write({ deliveryId: delivery._id, token, update, applied });
    },
    async abandon(deliveryId, token, reason, now = new Date()) {
      await write({ deliveryId, token, update: { $set: { status: 'failed', failureReason: reason, completedAt: now, ...unlocked(now) } } });
    },
    async hold(deliveryId, token, now = new Date()) {
      await write({ deliveryId, token, update: { $set: { status: 'held', ...unlocked(now) } } });
    },
  };
}

function nextState(outcome: AttemptOutcome, now: Date): Partial<DeliveryDoc> {
  switch (outcome.kind) {
    case 'delivered':
      return { status: 'succeeded', failureReason: null, completedAt: now };
    case 'retry':
      return { status: 'pending', failureReason: outcome.reason, nextAttemptAt: new Date(now.getTime() + outcome.afterMs) };
    case 'gone':
    case 'exhausted':
      return { status: 'failed', failureReason: outcome.reason, completedAt: now };
  }
}

/** Fails every unfinished delivery of a subscription that no longer exists. */
export async function endDeliveriesOf(connection: Connection, subscriptionId: string, reason: string, now = new Date()): Promise<void> {
  await deliveryModel(connection).updateMany(
    { subscriptionId, status: { $in: ['pending', 'held'] } },
    { $set: { status: 'failed', failureReason: reason, completedAt: now, updatedAt: now } },
  );
}

/**
 * Updates the subscription after a delivery failed for good: last failure, pause after
 * sustained failure, deletion on 410. (Successes are stamped by `createSuccessStamps`.)
 * Answers the subscription when this call paused it, so the caller can announce it.
 */
export async function settleSubscription(connection: Connection, subscription: Pick<HookDoc, '_id' | 'workspaceId'>, outcome: AttemptOutcome, policy: PausePolicy, now = new Date()): Promise<HookDoc | null> {
  const paused = await settle(connection, subscription._id, outcome, policy, now);
  if (outcome.kind === 'gone' || paused) forgetSubscriptions(connection, subscription.workspaceId);
  return paused;
}

async function settle(connection: Connection, hookId: string, outcome: AttemptOutcome, policy: PausePolicy, now: Date): Promise<HookDoc | null> {
  const Hooks = hookModel(connection);
  if (outcome.kind === 'gone') {
    await Hooks.deleteOne({ _id: hookId });
    await endDeliveriesOf(connection, hookId, 'the subscription was deleted: its receiver answered 410 Gone', now);
  } else if (outcome.kind === 'exhausted') {
    const hook = await Hooks.findOneAndUpdate({ _id: hookId }, { $max: { lastFailureAt: now } }, { returnDocument: 'after' }).lean<HookDoc>();
    if (!hook || hook.status !== 'active') return null;
    const { consecutiveFailures } = await hookStats(connection, hook);
    if (shouldPause({ ...hook, consecutiveFailures }, policy, now)) {
      const pausedReason = `paused after ${consecutiveFailures} failed deliveries in a row; last failure: ${outcome.reason}`;
      return Hooks.findOneAndUpdate({ _id: hookId, status: 'active' }, { $set: { status: 'paused', pausedReason, pausedAt: now } }, { returnDocument: 'after' }).lean<HookDoc>();
    }
  }
  return null;
}

/** Sustained failure: enough failed deliveries in a row and long enough without a success. */
export function shouldPause(
  hook: Pick<HookDoc, 'status' | 'lastSuccessAt' | 'createdAt'> & { consecutiveFailures: number },
  policy: PausePolicy,
  now = new Date(),
): boolean {
  if (hook.status !== 'active' || hook.consecutiveFailures < policy.afterFailures) return false;
  const since = hook.lastSuccessAt ?? hook.createdAt;
  return now.getTime() - since.getTime() >= policy.afterHours * 3_600_000;
}
