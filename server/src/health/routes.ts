import Router from '@koa/router';
import type { RuntimeConfig } from '../config.js';
import type { AppDeps } from '../http/deps.js';
import { sweepLastRun } from '../metrics/database-gauges.js';

/** The sweep counts as dead after this many of its intervals without a finished run (and never sooner than a minute). */
const SWEEP_OVERDUE_INTERVALS = 5;

/**
 * `/healthz`: the process answers. `/readyz`: the database answers, the scheduler is
 * running, and the crash sweep (one Agenda job any worker runs) has finished recently, so
 * a sweep that died cannot go unnoticed.
 */
export function healthRouter(deps: Pick<AppDeps, 'connection' | 'agenda' | 'isSchedulerReady'> & { config: Pick<RuntimeConfig, 'WEBHOOK_SWEEP_SECONDS'> }): Router {
  const router = new Router();
  const startedAt = Date.now();
  const overdueMs = Math.max(60_000, SWEEP_OVERDUE_INTERVALS * deps.config.WEBHOOK_SWEEP_SECONDS * 1000);
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const database = await deps.connection.db
      ?.admin()
      .ping()
      .then(() => true)
      .catch(() => false);
    const scheduler = deps.isSchedulerReady();
    const lastRun = database ? await sweepLastRun(deps.agenda).catch(() => null) : null;
    const since = lastRun ? lastRun.getTime() : startedAt; // a fresh deployment has a grace period
    const sweep = { lastRunAt: lastRun?.toISOString() ?? null, overdue: Date.now() - since > overdueMs };
    const ready = database === true && scheduler && !sweep.overdue;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { database: database === true, scheduler, sweep } };
  });
  return router;
}
