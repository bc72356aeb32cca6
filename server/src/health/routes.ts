import Router from '@koa/router';
import type { AppDeps } from '../app.js';

/** `/healthz`: the process answers. `/readyz`: the database answers and the scheduler is running. */
export function healthRouter(deps: Pick<AppDeps, 'connection' | 'isSchedulerReady'>): Router {
  const router = new Router();
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
    const ready = database === true && scheduler;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: { database: database === true, scheduler } };
  });
  return router;
}
