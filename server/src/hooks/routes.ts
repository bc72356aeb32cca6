import Router from '@koa/router';
import { authOf } from '../auth/middleware.js';
import { PageQuery } from '../db/paginate.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { documentPublic, IdParam, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { CreatedHookOut, CreateHookIn, HookListOut, HookListQuery, HookOut, HookTestOut, SigningSecretOut, UpdateHookIn } from './schema.js';
import type { RouteFactoryOptions } from '../app.js';
import { createHookService } from './service.js';

const hookParam = IdParam('The subscription id (hook_…).');

/** `/hooks`: REST hook subscriptions of the caller's workspace. */
export function hooksRouter({ config, deps }: RouteFactoryOptions): Router {
  const hooks = createHookService({ connection: deps.connection, config, events: deps.events, deliveries: deps.deliveries });
  const router = new Router();

  router.post('/hooks', async (ctx) => {
    const auth = authOf(ctx);
    const { hook, signingSecret } = await hooks.create(auth.workspaceId, auth.apiKeyId, parseBody(ctx, CreateHookIn));
    ctx.status = 201;
    ctx.body = { ...(await hooks.present(hook)), signingSecret };
  });

  router.get('/hooks', async (ctx) => {
    const query = parseQuery(ctx, PageQuery.extend(HookListQuery.shape));
    const page = await hooks.list(authOf(ctx).workspaceId, query, query);
    ctx.body = { hooks: await Promise.all(page.items.map(hooks.present)), nextCursor: page.nextCursor };
  });

  router.get('/hooks/:id', async (ctx) => {
    ctx.body = await hooks.present(await hooks.find(authOf(ctx).workspaceId, ctx.params.id as string));
  });

  router.patch('/hooks/:id', async (ctx) => {
    const auth = authOf(ctx);
    const input = parseBody(ctx, UpdateHookIn);
    const by = auth.portalSessionId ? 'in the portal' : `with API key ${auth.apiKeyId}`;
    ctx.body = await hooks.present(await hooks.update(auth.workspaceId, ctx.params.id as string, input, by));
  });

  router.delete('/hooks/:id', async (ctx) => {
    await hooks.remove(authOf(ctx).workspaceId, ctx.params.id as string);
    ctx.status = 204;
  });

  router.post('/hooks/:id/resume', async (ctx) => {
    ctx.body = await hooks.present(await hooks.resume(authOf(ctx).workspaceId, ctx.params.id as string));
  });

  router.post('/hooks/:id/rotate-secret', async (ctx) => {
    ctx.body = { signingSecret: await hooks.rotateSecret(authOf(ctx).workspaceId, ctx.params.id as string) };
  });

  router.post('/hooks/:id/test', async (ctx) => {
    ctx.status = 202;
    ctx.body = await hooks.sendTest(authOf(ctx).workspaceId, ctx.params.id as string);
  });

  return router;
}

documentPublic({
  method: 'post',
  path: '/hooks',
  tags: ['Hooks'],
  summary: 'Subscribe a URL to an event',
  description: 'The signing secret is returned only here and at rotation. The target must be https and resolve to a public address.',
  request: { body: jsonBodyOf(CreateHookIn) },
  responses: { 201: jsonResponse('The subscription and its signing secret.', CreatedHookOut) },
});
documentPublic({
  method: 'get',
  path: '/hooks',
  tags: ['Hooks'],
  summary: 'List subscriptions',
  request: { query: PageQuery.extend(HookListQuery.shape) },
  responses: { 200: jsonResponse('Subscriptions, newest first.', HookListOut) },
});
documentPublic({ method: 'get', path: '/hooks/:id', tags: ['Hooks'], summary: 'Get a subscription', request: { params: hookParam }, responses: { 200: jsonResponse('The subscription with status and failure counters.', HookOut), 404: notFound } });
documentPublic({
  method: 'patch',
  path: '/hooks/:id',
  tags: ['Hooks'],
  summary: 'Change an endpoint',
  description:
    'Only the fields given change. `paused: true` pauses it (new deliveries are held, `endpoint.paused` is emitted); `paused: false` resumes it. Custom `headers` are merged: null removes one; values are never shown in full again.',
  request: { params: hookParam, body: jsonBodyOf(UpdateHookIn) },
  responses: { 200: jsonResponse('The endpoint.', HookOut), 404: notFound },
});
documentPublic({ method: 'delete', path: '/hooks/:id', tags: ['Hooks'], summary: 'Unsubscribe', request: { params: hookParam }, responses: { 204: { description: 'Deleted.' }, 404: notFound } });
documentPublic({ method: 'post', path: '/hooks/:id/resume', tags: ['Hooks'], summary: 'Resume a paused subscription; held deliveries go out', request: { params: hookParam }, responses: { 200: jsonResponse('The subscription.', HookOut), 404: notFound } });
documentPublic({
  method: 'post',
  path: '/hooks/:id/rotate-secret',
  tags: ['Hooks'],
  summary: 'Rotate the signing secret',
  description: 'The previous secret keeps signing beside the new one for the overlap (24 h by default).',
  request: { params: hookParam },
  responses: { 200: jsonResponse('The new secret.', SigningSecretOut), 404: notFound },
});
documentPublic({ method: 'post', path: '/hooks/:id/test', tags: ['Hooks'], summary: 'Send a test event with sample data', request: { params: hookParam }, responses: { 202: jsonResponse('The test event was queued.', HookTestOut), 404: notFound } });

