import Router from '@koa/router';
import type { AuthMeOut } from '@nebulahex/shared';
import { z } from 'zod';
import type { RouteFactoryOptions } from '../app.js';
import { createEncryptor } from '../crypto/encryption.js';
import { parseBody } from '../http/validate.js';
import { documentPublic, errorResponse, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { getWorkspace } from '../workspaces/service.js';
import { presentWorkspace } from '../workspaces/presenter.js';
import { authOf, requireAdmin } from './middleware.js';
import { presentApiKey, presentCreatedApiKey } from './presenter.js';
import { ApiKeyListOut, CreateApiKeyIn, CreatedApiKeyOut, MeOut, RevealedApiKeyOut } from './schema.js';
import { createApiKeyService, type ApiKeyService } from './service.js';

const tags = ['API keys'];
const KeyIdParam = z.object({ keyId: z.string() });
const adminOnly = 'Admin keys only: member keys answer 403 `admin_key_required`.';
const forbidden = errorResponse('A member key: only admin keys manage keys (`admin_key_required`).');
documentPublic({
  method: 'get',
  path: '/auth/me',
  tags,
  summary: 'The calling key (or connected app) and its workspace',
  description: 'With an API key: the key. With an OAuth access token: the connection instead (`connection`: the app and who connected it), and no `apiKey`.',
  responses: { 200: jsonResponse('Who is calling.', MeOut) },
});
documentPublic({
  method: 'get',
  path: '/auth/keys',
  tags,
  summary: 'List API keys',
  description: adminOnly,
  responses: { 200: jsonResponse('Every key of the workspace, revoked ones included.', ApiKeyListOut), 403: forbidden },
});
documentPublic({
  method: 'post',
  path: '/auth/keys',
  tags,
  summary: 'Create an API key',
  description: `${adminOnly} The answer is the only one that always carries the full key.`,
  request: { body: jsonBodyOf(CreateApiKeyIn) },
  responses: { 201: jsonResponse('The new key, in full.', CreatedApiKeyOut), 403: forbidden },
});
documentPublic({
  method: 'post',
  path: '/auth/keys/:keyId/reveal',
  tags,
  summary: 'Reveal a new key once more',
  description: `${adminOnly} Works once, within 10 minutes of creation; 410 afterwards.`,
  request: { params: KeyIdParam },
  responses: {
    200: jsonResponse('The full key.', RevealedApiKeyOut),
    403: forbidden,
    404: notFound,
    410: errorResponse('The reveal window has closed, or the key was revealed already (`reveal_window_closed`).'),
  },
});
documentPublic({
  method: 'delete',
  path: '/auth/keys/:keyId',
  tags,
  summary: 'Revoke an API key',
  description: `${adminOnly} The key stops working at once in the process that revoked it, and in every other server process within API_KEY_CACHE_MS (1 s by default).`,
  request: { params: KeyIdParam },
  responses: { 204: { description: 'Revoked.' }, 403: forbidden, 404: notFound },
});

/** `/auth/keys…`: managing the workspace's keys, for admin keys only. */
function keyRoutes(router: Router, keys: ApiKeyService): void {
  router.use('/auth/keys', requireAdmin());
  router.get('/auth/keys', async (ctx) => {
    ctx.body = { keys: (await keys.list(authOf(ctx).workspaceId)).map(presentApiKey) };
  });
  router.post('/auth/keys', async (ctx) => {
    const input = parseBody(ctx, CreateApiKeyIn);
    const { key, plain } = await keys.create({ workspaceId: authOf(ctx).workspaceId, ...input });
    ctx.status = 201;
    ctx.body = presentCreatedApiKey(key, plain);
  });
  router.post('/auth/keys/:keyId/reveal', async (ctx) => {
    const keyId = ctx.params.keyId ?? '';
    ctx.body = { id: keyId, key: await keys.reveal(authOf(ctx).workspaceId, keyId) };
  });
  router.delete('/auth/keys/:keyId', async (ctx) => {
    await keys.revoke(authOf(ctx).workspaceId, ctx.params.keyId ?? '');
    ctx.status = 204;
  });
}

/** `/auth/me` for any key; `/auth/keys…` for admin keys. */
export function authRouter({ config, deps }: RouteFactoryOptions): Router {
  const keys = createApiKeyService({
    connection: deps.connection,
    encryptor: createEncryptor(config.ENCRYPTION_KEY),
    revealWindowMinutes: config.KEY_REVEAL_WINDOW_MINUTES,
  });
  const router = new Router();
  router.get('/auth/me', async (ctx) => {
    const { workspaceId, apiKeyId, oauth } = authOf(ctx);
    if (oauth) {
      const workspace = await getWorkspace(deps.connection, workspaceId);
      ctx.body = { workspace: presentWorkspace(workspace), connection: { id: oauth.connectionId, app: oauth.clientName, connectedBy: oauth.connectedBy } } satisfies MeOut & AuthMeOut;
      return;
    }
    const [workspace, key] = await Promise.all([getWorkspace(deps.connection, workspaceId), keys.get(workspaceId, apiKeyId)]);
    const apiKey = { id: key._id, name: key.name, prefix: key.prefix, role: key.role, createdAt: key.createdAt.toISOString() };
    ctx.body = { workspace: presentWorkspace(workspace), apiKey } satisfies MeOut & AuthMeOut;
  });
  keyRoutes(router, keys);
  return router;
}
