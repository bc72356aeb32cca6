import Router from '@koa/router';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { parseQuery } from '../http/validate.js';
import { IdParam, documentPublic, jsonResponse, notFound } from '../openapi/registry.js';
import { presentBot } from './presenter.js';
import { BotListOut, BotOut, ListBotsQuery } from './schema.js';
import { getBot, listBots } from './service.js';

const tags = ['Bots'];
documentPublic({
  method: 'get',
  path: '/bots',
  tags,
  summary: 'List bots',
  request: { query: ListBotsQuery },
  responses: { 200: jsonResponse('The bots, newest first.', BotListOut) },
});
documentPublic({
  method: 'get',
  path: '/bots/:id',
  tags,
  summary: 'Get a bot',
  request: { params: IdParam('Bot id') },
  responses: { 200: jsonResponse('The bot.', BotOut), 404: notFound },
});

/** `GET /bots`, `GET /bots/:id`. */
export function botsRouter({ deps }: RouteFactoryOptions): Router {
  const router = new Router();
  router.get('/bots', async (ctx) => {
    const page = await listBots(deps.connection, authOf(ctx).workspaceId, parseQuery(ctx, ListBotsQuery));
    ctx.body = { bots: page.items.map(presentBot), nextCursor: page.nextCursor } satisfies BotListOut;
  });
  router.get('/bots/:id', async (ctx) => {
    ctx.body = presentBot(await getBot(deps.connection, authOf(ctx).workspaceId, ctx.params.id ?? ''));
  });
  return router;
}
