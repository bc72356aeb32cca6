import Router from '@koa/router';
import { z } from 'zod';
import type { RouteFactoryOptions } from '../http/deps.js';
import { authOf, requireAdmin } from '../auth/middleware.js';
import { documentPublic, errorResponse, jsonResponse, notFound } from '../openapi/registry.js';
import { oauthOf } from './platform.js';
import { presentConnectedApp } from './presenter.js';
import { ConnectedAppListOut } from './schema.js';

const tags = ['Connected apps'];
const forbidden = errorResponse('A member key or an app\'s token: only admins manage connected apps (`admin_key_required`).');

/** `/auth/connected-apps…`: the apps connected to the workspace with OAuth (the portal's page), for admins. */
export function connectedAppsRouter({ config, deps }: RouteFactoryOptions): Router {
  const { connections } = oauthOf(config, deps);
  const router = new Router();
  router.use('/auth/connected-apps', requireAdmin());
  router.get('/auth/connected-apps', async (ctx) => {
    ctx.body = { apps: (await connections.list(authOf(ctx).workspaceId)).map(presentConnectedApp) };
  });
  router.delete('/auth/connected-apps/:id', async (ctx) => {
    await connections.revoke(authOf(ctx).workspaceId, ctx.params.id ?? '');
    ctx.status = 204;
  });
  return router;
}

documentPublic({
  method: 'get',
  path: '/auth/connected-apps',
  tags,
  summary: 'Apps connected with OAuth',
  description: 'Admins only (admin keys, the portal). Each app a workspace admin allowed, with who allowed it and when it was last used.',
  responses: { 200: jsonResponse('The connected apps, newest first.', ConnectedAppListOut), 403: forbidden },
});
documentPublic({
  method: 'delete',
  path: '/auth/connected-apps/:id',
  tags,
  summary: 'Disconnect an app',
  description:
    'Admins only. Revokes the connection: its authorization codes, access and refresh tokens stop working at once in the process that revoked it and in every other server process within API_KEY_CACHE_MS (1 s by default). The app must be connected again.',
  request: { params: z.object({ id: z.string().meta({ description: 'Connected app id (`oac_…`)' }) }) },
  responses: { 204: { description: 'Disconnected.' }, 403: forbidden, 404: notFound },
});
