import { describe, expect, it } from '@jest/globals';
import { formatReport, runReliability } from './scenario.js';
import { planAnswer } from './plan.js';
import { tally, type Receipt } from './tally.js';

const FAULTS = { errorShare: 0.15, timeoutShare: 0.05, timeoutDelayMs: 1_500 };

describe('the reliability run (small)', () => {
  it('loses nothing and duplicates nothing while two workers are killed and the receiver fails', async () => {
    // Larger shares than the full run, so that 60 deliveries surely meet both kinds of fault.
    const faults = { errorShare: 0.25, timeoutShare: 0.15, timeoutDelayMs: 1_500 };
    const report = await runReliability({ events: 20, subscriptions: 3, workers: 2, kills: 2, faults, timeoutMs: 500, deadlineMs: 50_000 });

    // The figures go to the log either way; the workers' output only when something went wrong.
    console.log(`${formatReport(report)}${report.workerOutput ? `\n${report.workerOutput}` : ''}`);
    expect(report).toMatchObject({ eventsSent: 20, subscriptions: 3, kills: 2, unexpectedExits: [], workersStarted: 4, settled: true, lost: 0 });
    expect(Object.values(report.receivedPerSubscription)).toEqual([20, 20, 20]);
    expect(report.pairsWithSeveralDeliveryIds).toBe(0);
    expect(report.unexplainedRepeats).toBe(0);
    // The faults really happened, and were retried.
    expect(report.attempts.error).toBeGreaterThan(0);
    expect(report.attempts.timeout).toBeGreaterThan(0);
    expect(report.attempts.received).toBeGreaterThan(20 * 3);
  }, 100_000); // the deadline, plus starting and stopping the API, the workers and the database
});

describe('counting what the receiver saw', () => {
  const receipt = (overrides: Partial<Receipt>): Receipt => ({ eventId: 'evt_1', hookId: 'hook_a', deliveryId: 'dlv_1', attempt: 1, receivedAt: 1_000, answer: 'ok', ...overrides });

  it('counts a pair never acknowledged as lost, even when it was attempted', () => {
    const counts = tally({ eventIds: ['evt_1', 'evt_2'], hookIds: ['hook_a'], receipts: [receipt({}), receipt({ eventId: 'evt_2', deliveryId: 'dlv_2', answer: 'error' })], killTimes: [] });

    expect(counts).toMatchObject({ lost: 1, receivedPerSubscription: { hook_a: 1 }, attempts: { received: 2, ok: 1, error: 1, timeout: 0 } });
  });

  it('blames the platform for a repeated attempt no crash explains, and for a second delivery id', () => {
    const counts = tally({
      eventIds: ['evt_1'],
      hookIds: ['hook_a'],
      receipts: [receipt({}), receipt({ receivedAt: 1_005 }), receipt({ deliveryId: 'dlv_2', receivedAt: 2_000 })],
      killTimes: [500, 3_000],
    });

    expect(counts).toMatchObject({ unexplainedRepeats: 1, crashRedeliveries: 0, pairsWithSeveralDeliveryIds: 1, pairsAcknowledgedTwice: 1, lost: 0 });
  });

  it('counts a repeated attempt after a worker was killed in between as at-least-once redelivery', () => {
    const counts = tally({ eventIds: ['evt_1'], hookIds: ['hook_a'], receipts: [receipt({}), receipt({ receivedAt: 20_000 })], killTimes: [1_200] });

    expect(counts).toMatchObject({ unexplainedRepeats: 0, crashRedeliveries: 1, pairsWithSeveralDeliveryIds: 0 });
  });
});

describe('the receiver fault plan', () => {
  it('fails about the planned share of first attempts, a few second attempts, and never a third', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `dlv_${i}`);
    const share = (attempt: number, kind: string) => ids.filter((id) => planAnswer(id, attempt, FAULTS) === kind).length / ids.length;

    expect(share(1, 'error')).toBeCloseTo(0.15, 1);
    expect(share(1, 'timeout')).toBeCloseTo(0.05, 1);
    expect(share(2, 'error')).toBeCloseTo(0.075, 1);
    expect(share(3, 'ok')).toBe(1);
  });
});
