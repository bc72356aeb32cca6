import type { Agenda, Job } from 'agenda';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { eventModel } from '../events/model.js';
import { DELIVERY_JOBS, leaseMs, type DeliveryEngine } from './engine.js';
import { refsOfJob, type DeliveryJobData } from './lanes.js';
import { deliveryModel } from './model.js';

export interface DeliveryJobsDeps {
  agenda: Agenda;
  engine: DeliveryEngine;
  connection: Connection;
  logger: Logger;
  config: Pick<RuntimeConfig, 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_SWEEP_SECONDS' | 'WORKER_CONCURRENCY' | 'RETENTION_DAYS'>;
}

/**
 * Teaches a worker's Agenda the delivery jobs. Attempts are I/O-bound: many run at once,
 * and their lock outlives the HTTP deadline so a slow receiver never gets a second copy.
 * Call before `agenda.start()`; then `scheduleDeliveryJobs`.
 */
export function defineDeliveryJobs({ agenda, engine, connection, logger, config }: DeliveryJobsDeps): void {
  const ioBound = {
    concurrency: config.WORKER_CONCURRENCY,
    lockLimit: config.WORKER_CONCURRENCY * 2,
    lockLifetime: Math.max(5 * 60_000, 3 * leaseMs(config)),
    removeOnComplete: true,
  };
  // A job waits for its deliveries, or for their lane to hand them back to the database when full.
  agenda.define(DELIVERY_JOBS.attempt, (job: Job<DeliveryJobData>) => engine.attempt(refsOfJob(job.attrs.data)), ioBound);
  agenda.define(DELIVERY_JOBS.dispatch, (job: Job<DeliveryJobData>) => engine.attempt(refsOfJob(job.attrs.data)), ioBound);
  // The sweep only queries and queues, so a short lock lets another worker take over fast after a crash.
  agenda.define(DELIVERY_JOBS.sweep, async () => {
    const queued = await engine.sweep();
    if (queued > 0) logger.debug({ queued }, 'sweep picked up due deliveries');
  }, { concurrency: 1, lockLifetime: 10_000 });
  agenda.define(DELIVERY_JOBS.retention, async () => {
    const removed = await removeExpired(connection, config.RETENTION_DAYS);
    logger.info(removed, 'retention removed old events and deliveries');
  }, { concurrency: 1, lockLifetime: 10 * 60_000 });
}

/** Starts the recurring jobs (idempotent: `every` keeps one job per name). */
export async function scheduleDeliveryJobs({ agenda, config }: Pick<DeliveryJobsDeps, 'agenda' | 'config'>): Promise<void> {
  await agenda.every(Math.round(config.WEBHOOK_SWEEP_SECONDS * 1000), DELIVERY_JOBS.sweep);
  await agenda.every('1 hour', DELIVERY_JOBS.retention);
}

/**
 * Deletes finished deliveries and events older than the retention. Held deliveries (a paused
 * subscription) are never dropped, and neither is an event one of them still needs.
 */
export async function removeExpired(connection: Connection, retentionDays: number, now = new Date()): Promise<{ events: number; deliveries: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const Deliveries = deliveryModel(connection);
  const deliveries = await Deliveries.deleteMany({ createdAt: { $lt: cutoff }, status: { $in: ['succeeded', 'failed'] } });
  const stillNeeded = await Deliveries.distinct('eventId', { createdAt: { $lt: cutoff } });
  const events = await eventModel(connection).deleteMany({ createdAt: { $lt: cutoff }, _id: { $nin: stillNeeded } });
  return { events: events.deletedCount, deliveries: deliveries.deletedCount };
}
