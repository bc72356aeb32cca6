import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { DELIVERY_JOBS } from '../deliveries/engine.js';
import { deliveryModel } from '../deliveries/model.js';
import { hookModel } from '../hooks/model.js';
import type { Metrics } from './metrics.js';

/** When the crash sweep last finished on any worker (it is one Agenda job shared by all), or null. */
export async function sweepLastRun(agenda: Agenda): Promise<Date | null> {
  const { jobs } = await agenda.queryJobs({ name: DELIVERY_JOBS.sweep });
  const times = jobs.map((job) => job.lastFinishedAt).filter((at): at is Date => at instanceof Date);
  return times.length > 0 ? new Date(Math.max(...times.map((at) => at.getTime()))) : null;
}

/** Reads the gauges that describe shared state (backlog, paused subscriptions, the sweep) from the database. */
export async function refreshDatabaseGauges(metrics: Metrics, connection: Connection, agenda: Agenda, now = new Date()): Promise<void> {
  const Deliveries = deliveryModel(connection);
  const [due, scheduled, sending, held, paused, sweptAt, scanned] = await Promise.all([
    Deliveries.countDocuments({ status: 'pending', nextAttemptAt: { $lte: now } }),
    Deliveries.countDocuments({ status: 'pending', nextAttemptAt: { $gt: now } }),
    Deliveries.countDocuments({ status: 'sending' }),
    Deliveries.countDocuments({ status: 'held' }),
    hookModel(connection).countDocuments({ status: 'paused' }),
    sweepLastRun(agenda),
    documentsScanned(connection),
  ]);
  for (const [state, count] of Object.entries({ due, scheduled, sending, held })) metrics.backlog.set({ state }, count);
  metrics.pausedSubscriptions.set(paused);
  metrics.sweepLastRun.set(sweptAt ? sweptAt.getTime() / 1000 : 0);
  if (scanned !== null) metrics.documentsScanned.set(scanned);
}

/**
 * Documents the database has read to answer queries (MongoDB's serverStatus counter; the
 * embedded database keeps the same one). Null where the user may not run serverStatus.
 */
async function documentsScanned(connection: Connection): Promise<number | null> {
  if (!connection.db) return null;
  try {
    const status = await connection.db.admin().command({ serverStatus: 1 });
    const scanned = (status as { metrics?: { queryExecutor?: { scannedObjects?: unknown } } }).metrics?.queryExecutor?.scannedObjects;
    return scanned === undefined || scanned === null ? null : Number(scanned);
  } catch {
    return null;
  }
}

/** Counts every command the connection's driver sends (the connection must be opened with `monitorCommands: true`). */
export function countDatabaseCommands(metrics: Metrics, connection: Connection): void {
  connection.getClient().on('commandStarted', (event) => metrics.databaseCommands.inc({ command: event.commandName }));
}
