import { Agenda } from 'agenda';
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
