import type { DeliveryDetailOut, DeliveryOut, EventType } from '@nebulahex/shared';
import type { DeliveryDoc } from './model.js';

const UNFINISHED = new Set(['pending', 'sending']);

export function presentDelivery(delivery: DeliveryDoc): DeliveryOut {
  return {
    id: delivery._id,
    eventId: delivery.eventId,
    hookId: delivery.subscriptionId,
    eventType: delivery.eventType as EventType,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: UNFINISHED.has(delivery.status) ? delivery.nextAttemptAt.toISOString() : null,
    lastStatusCode: delivery.lastStatusCode,
    lastDurationMs: delivery.lastDurationMs,
    failureReason: delivery.failureReason,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    completedAt: delivery.completedAt ? delivery.completedAt.toISOString() : null,
  };
}

/** The delivery with every attempt, oldest first. */
export function presentDeliveryDetail(delivery: DeliveryDoc): DeliveryDetailOut {
  return {
    ...presentDelivery(delivery),
    attempts: delivery.attempts.map((attempt) => ({ ...attempt, startedAt: attempt.startedAt.toISOString() })),
  };
}

export const CSV_COLUMNS = [
  'deliveryId',
  'eventId',
  'eventType',
  'status',
  'attempts',
  'lastStatusCode',
  'responseTimeMs',
  'failureReason',
  'createdAt',
  'updatedAt',
  'completedAt',
] as const;

/** One CSV row per delivery, in CSV_COLUMNS order. */
export function deliveryCsvRow(delivery: DeliveryDoc): Array<string | number | null> {
  const out = presentDelivery(delivery);
  return [out.id, out.eventId, out.eventType, out.status, out.attemptCount, out.lastStatusCode, out.lastDurationMs, out.failureReason, out.createdAt, out.updatedAt, out.completedAt];
}
