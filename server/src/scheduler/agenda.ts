import { Agenda, type JobId } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Connection } from 'mongoose';

export interface SchedulerOptions {
  /** Identifies the process in Agenda's lock records. */
  name: string;
  /** Jobs one process runs at once, across all job types. */
  concurrency: number;
  /** How often due jobs are looked for; the first delivery attempt never waits for it. */
  processEveryMs?: number;
  /** How long a claimed job stays locked before another worker may take it over. */
  lockLifetimeMs?: number;
}

/**
 * Agenda on the mongoose connection's database, tuned for I/O-bound work: many jobs in
 * flight per process, and locks that outlive the longest HTTP attempt so a slow
 * delivery is never picked up twice.
 */
export function createScheduler(connection: Connection, options: SchedulerOptions): Agenda {
  if (!connection.db) throw new Error('connect mongoose before creating the scheduler');
  return new Agenda({
    backend: new MongoBackend({ mongo: connection.db, collection: 'agendaJobs' }),
    name: options.name,
    processEvery: options.processEveryMs ?? 1_000,
    maxConcurrency: options.concurrency,
    defaultConcurrency: options.concurrency,
    lockLimit: options.concurrency * 2,
    defaultLockLimit: options.concurrency * 2,
    defaultLockLifetime: options.lockLifetimeMs ?? 5 * 60_000,
  });
}

/** The parts of Agenda's job processor that tell whether a poll is still talking to the database. */
interface ProcessorInternals {
  isJobQueueFilling: Map<string, boolean>;
  localQueueProcessing: number;
  lockedJobs: Array<{ attrs: { _id: JobId } }>;
  runningJobs: Array<{ attrs: { _id: JobId } }>;
}

const SETTLE_POLL_MS = 10;

/**
 * Stops taking jobs, lets running ones finish (up to `timeoutMs`), and returns once no
 * query of Agenda's own is in flight, so the caller may close the connection.
 * Agenda's `drain` waits for running jobs but not for a poll already locking the next
 * ones: closing the connection then would interrupt it and Agenda would emit the error.
 * Jobs that such a poll locked but will never run are unlocked for other workers.
 */
export async function stopScheduler(agenda: Agenda, timeoutMs: number): Promise<void> {
  // Private in Agenda 6's types; read defensively so an upgrade degrades to a plain drain.
  const processor = (agenda as unknown as { jobProcessor?: Partial<ProcessorInternals> }).jobProcessor;
  const deadline = Date.now() + timeoutMs;
  await agenda.drain({ timeout: timeoutMs, closeConnection: false });
  if (!processor?.isJobQueueFilling || processor.localQueueProcessing === undefined) return;
  const busy = () => (processor.isJobQueueFilling?.size ?? 0) > 0 || (processor.localQueueProcessing ?? 0) > 0;
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  const running = new Set((processor.runningJobs ?? []).map((job) => String(job.attrs._id)));
  const stranded = (processor.lockedJobs ?? []).filter((job) => !running.has(String(job.attrs._id)));
  if (stranded.length > 0) await agenda.db.unlockJobs(stranded.map((job) => job.attrs._id));
}
