import type { AnswerKind } from './plan.js';

/** One request the receiver got, and what it decided to answer. */
export interface Receipt {
  eventId: string;
  hookId: string;
  deliveryId: string;
  attempt: number;
  receivedAt: number;
  answer: AnswerKind;
}

export interface Tally {
  eventsSent: number;
  /** Distinct events each subscription acknowledged (answered 2xx in time). */
  receivedPerSubscription: Record<string, number>;
  /** Event × subscription pairs never acknowledged. Must be 0. */
  lost: number;
  /** Pairs that reached the receiver under more than one delivery id. Must be 0. */
  pairsWithSeveralDeliveryIds: number;
  /** The same delivery id and attempt number received again with no worker killed in between. Must be 0. */
  unexplainedRepeats: number;
  /** Up to three sets of copies behind `unexplainedRepeats`, to diagnose them. */
  unexplainedSamples: Receipt[][];
  /** The same delivery id and attempt number received again after a worker was killed in between: at-least-once redelivery. */
  crashRedeliveries: number;
  /** Pairs the receiver acknowledged more than once (what a receiver deduplicates with `webhook-id`). */
  pairsAcknowledgedTwice: number;
  attempts: { received: number; ok: number; error: number; timeout: number };
}

const pairOf = (receipt: Pick<Receipt, 'eventId' | 'hookId'>) => `${receipt.eventId}|${receipt.hookId}`;

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Splits repeats of one (delivery id, attempt) into those a kill between two copies explains and the rest. */
function classifyRepeats(copies: Receipt[], killTimes: number[]): { explained: number; unexplained: number } {
  const sorted = [...copies].sort((a, b) => a.receivedAt - b.receivedAt);
  let explained = 0;
  for (let i = 1; i < sorted.length; i += 1) {
    const [before, after] = [sorted[i - 1] as Receipt, sorted[i] as Receipt];
    if (killTimes.some((kill) => kill >= before.receivedAt && kill <= after.receivedAt)) explained += 1;
  }
  return { explained, unexplained: sorted.length - 1 - explained };
}

/**
 * What the receiver saw, against what was sent: every event went to every subscription in
 * `hookIds`. Pure, so the definitions in test/README.md are checked on their own.
 */
export function tally(input: { eventIds: string[]; hookIds: string[]; receipts: Receipt[]; killTimes: number[] }): Tally {
  const { eventIds, hookIds, receipts, killTimes } = input;
  const acknowledged = receipts.filter((receipt) => receipt.answer === 'ok');
  const receivedPerSubscription = Object.fromEntries(
    hookIds.map((hookId) => [hookId, new Set(acknowledged.filter((receipt) => receipt.hookId === hookId).map((receipt) => receipt.eventId)).size]),
  );
  const ackedPairs = new Set(acknowledged.map(pairOf));
  const expected = eventIds.flatMap((eventId) => hookIds.map((hookId) => pairOf({ eventId, hookId })));
  let explained = 0;
  let unexplained = 0;
  const unexplainedSamples: Receipt[][] = [];
  for (const copies of groupBy(receipts, (receipt) => `${receipt.deliveryId}#${receipt.attempt}`).values()) {
    const repeats = classifyRepeats(copies, killTimes);
    explained += repeats.explained;
    unexplained += repeats.unexplained;
    if (repeats.unexplained > 0 && unexplainedSamples.length < 3) unexplainedSamples.push(copies);
  }
  const count = (kind: AnswerKind) => receipts.filter((receipt) => receipt.answer === kind).length;
  return {
    eventsSent: eventIds.length,
    receivedPerSubscription,
    lost: expected.filter((pair) => !ackedPairs.has(pair)).length,
    pairsWithSeveralDeliveryIds: [...groupBy(receipts, pairOf).values()].filter((copies) => new Set(copies.map((c) => c.deliveryId)).size > 1).length,
    unexplainedRepeats: unexplained,
    unexplainedSamples,
    crashRedeliveries: explained,
    pairsAcknowledgedTwice: [...groupBy(acknowledged, pairOf).values()].filter((copies) => copies.length > 1).length,
    attempts: { received: receipts.length, ok: count('ok'), error: count('error'), timeout: count('timeout') },
  };
}
