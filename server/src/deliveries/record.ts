import type { Connection } from 'mongoose';
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

/**
 * Stores one attempt and the delivery's next state, but only while this worker still holds
 * the lease (`token`): a worker whose lease ran out never overwrites the one that took over.
 * Returns false when the lease was lost.
 */
export async function recordAttempt(connection: Connection, delivery: DeliveryDoc, token: string, result: SendResult, outcome: AttemptOutcome, now = new Date()): Promise<boolean> {
  const attempt: AttemptDoc = {
    number: delivery.attemptCount + 1,
    startedAt: new Date(now.getTime() - result.durationMs),
    durationMs: result.durationMs,
    statusCode: 'statusCode' in result ? result.statusCode : null,
    error: outcome.kind === 'delivered' ? null : outcome.reason,
    responseExcerpt: result.responseExcerpt,
    outcome: outcome.kind,
  };
  const next = nextState(outcome, now);
  const update = await deliveryModel(connection).updateOne(
    { _id: delivery._id, lockedBy: token },
    {
      $push: { attempts: attempt },
      $inc: { attemptCount: 1 },
      $set: { ...next, lastStatusCode: attempt.statusCode, lastDurationMs: attempt.durationMs, lockedBy: null, lockedUntil: NO_LEASE, updatedAt: now },
    },
  );
  return update.modifiedCount === 1;
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

/** Ends a claimed delivery without an attempt (its subscription or event no longer exists). */
export async function abandonDelivery(connection: Connection, deliveryId: string, token: string, reason: string, now = new Date()): Promise<void> {
  await deliveryModel(connection).updateOne(
    { _id: deliveryId, lockedBy: token },
    { $set: { status: 'failed', failureReason: reason, completedAt: now, lockedBy: null, lockedUntil: NO_LEASE, updatedAt: now } },
  );
}

/** Parks a claimed delivery of a paused subscription until it is resumed. */
export async function holdDelivery(connection: Connection, deliveryId: string, token: string, now = new Date()): Promise<void> {
  await deliveryModel(connection).updateOne({ _id: deliveryId, lockedBy: token }, { $set: { status: 'held', lockedBy: null, lockedUntil: NO_LEASE, updatedAt: now } });
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
export async function settleSubscription(connection: Connection, hookId: string, outcome: AttemptOutcome, policy: PausePolicy, now = new Date()): Promise<HookDoc | null> {
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
