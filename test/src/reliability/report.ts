import type { TestApp } from '@nebulahex/server/testing';
import type { Tally } from './tally.js';

export interface ReliabilityReport extends Tally {
  subscriptions: number;
  workersStarted: number;
  kills: number;
  killTimes: number[];
  /** Workers that exited on their own (exit code or signal); each was replaced. */
  unexpectedExits: Array<number | string | null>;
  /** Attempts the platform recorded (attempts lost with a killed worker are not among them). */
  attemptsRecorded: number;
  /** Whether every delivery ended before the deadline. */
  settled: boolean;
  /** Deliveries by status at the end, other than succeeded (all zero when settled). */
  unfinished: Record<string, number>;
  wallMs: number;
  /** The workers' last output when something went wrong. */
  workerOutput?: string;
}

/** What the database says at the end: attempts recorded, and deliveries left unfinished. */
export async function platformRecords(app: TestApp): Promise<Pick<ReliabilityReport, 'attemptsRecorded' | 'unfinished'>> {
  return { attemptsRecorded: await attemptsRecorded(app), unfinished: await unfinishedDeliveries(app) };
}

async function unfinishedDeliveries(app: TestApp): Promise<Record<string, number>> {
  const rows = await app.connection.collection('deliveries').aggregate<{ _id: string; count: number }>([{ $match: { status: { $ne: 'succeeded' } } }, { $group: { _id: '$status', count: { $sum: 1 } } }]).toArray();
  return Object.fromEntries(rows.map((row) => [row._id, row.count]));
}

/** Deliveries with their leases, to say why they are stuck or were sent twice: unfinished ones, and `extraIds`. */
export async function deliveryDiagnostics(app: TestApp, extraIds: string[]): Promise<unknown[]> {
  const deliveries = app.connection.collection<{ _id: string; [field: string]: unknown }>('deliveries');
  const stuck = await deliveries.find({ status: { $in: ['pending', 'sending'] } }).limit(3).toArray();
  const extra = await deliveries.find({ _id: { $in: extraIds } }).toArray();
  const leases = app.connection.collection('leases');
  return Promise.all(
    [...stuck, ...extra].map(async ({ _id, status, attemptCount, nextAttemptAt, lockedUntil, attempts }) => ({
      _id, status, attemptCount, nextAttemptAt, lockedUntil, attempts,
      leases: await leases.find({ resource: { $regex: `^delivery:${String(_id)}:` } }, { projection: { _id: 1, owner: 1, expiresAt: 1, done: 1, createdAt: 1 } }).toArray(),
    })),
  );
}

async function attemptsRecorded(app: TestApp): Promise<number> {
  const [row] = await app.connection.collection('deliveries').aggregate<{ total: number }>([{ $group: { _id: null, total: { $sum: '$attemptCount' } } }]).toArray();
  return row?.total ?? 0;
}

/** The report as printed by `npm run test:reliability`. */
export function formatReport(report: ReliabilityReport): string {
  const perSubscription = Object.entries(report.receivedPerSubscription).map(([hookId, count]) => `    ${hookId}: ${count}`);
  return [
    `events sent:                        ${report.eventsSent}`,
    `subscriptions:                      ${report.subscriptions}`,
    'distinct events received per subscription:',
    ...perSubscription,
    `lost:                               ${report.lost}`,
    `duplicated by the platform:         ${report.pairsWithSeveralDeliveryIds + report.unexplainedRepeats} (${report.pairsWithSeveralDeliveryIds} event+subscription pairs with several delivery ids, ${report.unexplainedRepeats} repeated delivery id+attempt without a crash)`,
    `redelivered after a crash:          ${report.crashRedeliveries} (same delivery id+attempt again after a SIGKILL; at-least-once)`,
    `acknowledged twice by the receiver: ${report.pairsAcknowledgedTwice} event+subscription pairs`,
    `attempts received:                  ${report.attempts.received} (${report.attempts.ok} ok, ${report.attempts.error} answered 500, ${report.attempts.timeout} timed out)`,
    `attempts recorded by the platform:  ${report.attemptsRecorded}`,
    `workers:                            ${report.workersStarted} started, ${report.kills} killed with SIGKILL (at ${report.killTimes.map((time) => new Date(time).toISOString()).join(', ')}), ${report.unexpectedExits.length} exited on their own${report.unexpectedExits.length ? ` (${report.unexpectedExits.join(', ')})` : ''}`,
    ...report.unexplainedSamples.map((copies) => `  repeated: ${copies.map((c) => `${c.deliveryId}#${c.attempt} at ${new Date(c.receivedAt).toISOString()} answered ${c.answer}`).join(' / ')}`),
    `settled before the deadline:        ${report.settled ? 'yes' : `NO: unfinished deliveries ${JSON.stringify(report.unfinished)}`}`,
    `wall time:                          ${(report.wallMs / 1000).toFixed(1)} s`,
  ].join('\n');
}
