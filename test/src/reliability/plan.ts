import { createHash } from 'node:crypto';
import type { ReceiverAnswer } from '@nebulahex/server/testing';

/** How badly the receiver behaves. Shares are of deliveries, decided per delivery id. */
export interface FaultPlan {
  /** Share of deliveries whose first attempt is answered 500 (half of them fail the second attempt too). */
  errorShare: number;
  /** Share of deliveries whose first attempt is answered only after the platform's timeout. */
  timeoutShare: number;
  /** How long a timed-out answer is held back (longer than WEBHOOK_TIMEOUT_MS). */
  timeoutDelayMs: number;
}

export type AnswerKind = 'ok' | 'error' | 'timeout';

/** A stable number in [0, 1) per delivery: the same delivery meets the same fate in every process. */
function fate(deliveryId: string): number {
  return createHash('sha256').update(deliveryId).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * What the receiver does with attempt `attempt` of a delivery. Faults never last beyond the
 * second attempt, so with enough retries configured every delivery must end acknowledged.
 */
export function planAnswer(deliveryId: string, attempt: number, plan: FaultPlan): AnswerKind {
  const u = fate(deliveryId);
  if (attempt === 1 && u < plan.errorShare) return 'error';
  if (attempt === 1 && u < plan.errorShare + plan.timeoutShare) return 'timeout';
  if (attempt === 2 && u < plan.errorShare / 2) return 'error';
  return 'ok';
}

export function toReceiverAnswer(kind: AnswerKind, plan: FaultPlan): ReceiverAnswer {
  if (kind === 'error') return { status: 500, body: 'planned failure' };
  if (kind === 'timeout') return { status: 200, body: 'too late', delayMs: plan.timeoutDelayMs };
  return { status: 200, body: 'ok' };
}
