import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Agenda } from 'agenda';
import type { Connection } from 'mongoose';
import { connectTestDatabase, dropTestDatabase, freshDatabaseUri, waitFor } from '../testing/index.js';
import { createScheduler, stopScheduler } from './agenda.js';

let uri: string;
let connections: Connection[];
let agendas: Agenda[];

beforeEach(() => {
  uri = freshDatabaseUri();
  connections = [];
  agendas = [];
});
afterEach(async () => {
  // Waits for jobs and Agenda's own queries in flight, so no query is cut off by the close below.
  for (const agenda of agendas) await stopScheduler(agenda, 5_000);
  const [first, ...rest] = connections;
  for (const connection of rest) await connection.close();
  if (first) await dropTestDatabase(first);
});

/** An Agenda instance with its own connection, as a separate worker process would have. */
async function worker(name: string): Promise<Agenda> {
  return (await workerWithConnection(name)).agenda;
}

async function workerWithConnection(name: string): Promise<{ agenda: Agenda; connection: Connection }> {
  const connection = await connectTestDatabase(uri);
  connections.push(connection);
  const agenda = createScheduler(connection, { name, concurrency: 5, processEveryMs: 50 });
  agendas.push(agenda);
  return { agenda, connection };
}

describe('Agenda 6 with the mongo backend on the embedded database', () => {
  it('runs a job queued with now() and marks it complete', async () => {
    const agenda = await worker('one');
    const ran: string[] = [];
    agenda.define<{ word: string }>('say', async (job) => {
      ran.push(job.attrs.data.word);
    });
    await agenda.start();
    const job = await agenda.now('say', { word: 'hello' });
    await waitFor(() => ran.length === 1, { message: 'the job to run' });
    expect(ran).toEqual(['hello']);
    const stored = await waitFor(async () => {
      const [found] = (await agenda.queryJobs({ id: String(job.attrs._id) })).jobs;
      return found?.lastFinishedAt ? found : undefined;
    }, { message: 'the job to be marked finished' });
    expect(stored.failedAt).toBeUndefined();
  });

  it('leaves no timer holding the process open once its jobs have run and it has stopped', async () => {
    // Agenda's per-job liveness check waits lockLifetime / 2 (here 5 minutes) on a timer that
    // outlives the job; unless that timer is unref'd (patches/agenda+*.patch), a process that
    // has stopped its scheduler cannot exit until the timer fires.
    const agenda = await worker('one');
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    let ran = 0;
    agenda.define('short', async () => {
      ran += 1;
    }, { lockLifetime: 10 * 60_000 });
    const before = timers();
    await agenda.start();
    await agenda.now('short', {});
    await agenda.now('short', {});
    await waitFor(() => ran === 2, { message: 'both jobs to run' });
    await stopScheduler(agenda, 5_000);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('runs a scheduled job no earlier than its time', async () => {
    const agenda = await worker('one');
    let ranAt = 0;
    agenda.define('later', async () => {
      ranAt = Date.now();
    });
    await agenda.start();
    const due = new Date(Date.now() + 700);
    await agenda.schedule(due, 'later', {});
    await waitFor(() => ranAt > 0, { message: 'the scheduled job to run' });
    expect(ranAt).toBeGreaterThanOrEqual(due.getTime());
  });

  it('stops only once a poll already locking the next job has finished, and unlocks that job', async () => {
    const observer = await worker('observer');
    const { agenda, connection } = await workerWithConnection('stopping');
    agenda.define('idle', async () => undefined);
    const errors: unknown[] = [];
    agenda.on('error', (error) => errors.push(error));
    await agenda.now('idle', {});
    // Hold the processor's next lock query open until the stop has begun.
    const lookup = agenda.db.getNextJobToRun.bind(agenda.db);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let pollStarted = false;
    agenda.db.getNextJobToRun = async (...args) => {
      pollStarted = true;
      await gate;
      return lookup(...args);
    };
    await agenda.start();
    await waitFor(() => pollStarted, { message: 'a poll to begin' });
    let stopped = false;
    const stopping = stopScheduler(agenda, 10_000).then(() => (stopped = true));
    // drain() alone would resolve at once (nothing is running) while the poll is still out.
    await observer.queryJobs({ name: 'idle' });
    expect(stopped).toBe(false);
    release();
    await stopping;
    await connection.close();
    expect(errors).toEqual([]);
    const [job] = (await observer.queryJobs({ name: 'idle' })).jobs;
    expect(job?.lockedAt ?? null).toBeNull();
    expect(job?.lastRunAt).toBeUndefined();
  });

  it('never runs a one-off job twice when two instances poll the same collection (its locks are atomic)', async () => {
    const workers = [await workerWithConnection('first'), await workerWithConnection('second')];
    const runs = new Map<number, string[]>();
    for (const { agenda } of workers) {
      agenda.define<{ n: number }>('count', async (job) => {
        runs.set(job.attrs.data.n, [...(runs.get(job.attrs.data.n) ?? []), String(agenda.attrs.name)]);
      });
    }
    const [first, second] = workers.map((w) => w.agenda) as [Agenda, Agenda];
    const total = 50;
    for (let n = 0; n < total; n += 1) await first.schedule(new Date(), 'count', { n });
    await Promise.all([first.start(), second.start()]);
    await waitFor(() => runs.size === total, { timeoutMs: 60_000, message: `${total} jobs to run` });
    await waitFor(async () => (await first.queryJobs({ name: 'count' })).jobs.every((job) => job.lastFinishedAt && !job.lockedAt), {
      timeoutMs: 60_000,
      message: 'every job to be marked finished and unlocked',
    });
    const twice = [...runs.entries()].filter(([, by]) => by.length > 1);
    expect(twice).toEqual([]);
  }, 150_000);
});
