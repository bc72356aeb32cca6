import type { Agenda, Job } from 'agenda';
import type { Connection } from 'mongoose';
import { acquireLease, releaseLease } from '../db/lease.js';

export interface OneOffJobOptions {
  /** How long a run may take before another worker may assume its runner died. */
  leaseMs: number;
}

/**
 * Defines a one-off job (`now`/`schedule`) whose work runs once even when Agenda hands
 * the job to two workers. Agenda locks jobs with findOneAndUpdate, which FerretDB 1.x
 * does not run atomically (see db/lease.ts); a lease keyed by the job id makes the
 * work exclusive on any backend. A failed run releases the lease so a retry may run.
 */
export function defineOneOffJob<D>(
  agenda: Agenda,
  connection: Connection,
  name: string,
  handler: (job: Job<D>) => Promise<void>,
  options: OneOffJobOptions,
): void {
  agenda.define<D>(name, async (job) => {
    const lease = await acquireLease(connection, `job:${String(job.attrs._id)}`, agenda.attrs.name ?? name, options.leaseMs);
    if (!lease) return;
    try {
      await handler(job);
    } catch (error) {
      await releaseLease(connection, lease, { done: false });
      throw error;
    }
    await releaseLease(connection, lease, { done: true });
  });
}
