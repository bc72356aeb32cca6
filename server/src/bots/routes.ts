import Router from '@koa/router';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { parseQuery } from '../http/validate.js';
import { IdParam, documentPublic, jsonResponse, notFound } from '../openapi/registry.js';
import type { Page } from '../db/paginate.js';
import type { BotDoc } from './model.js';
import { presentBot } from './presenter.js';
import { BotListOut, BotOut, ListBotsQuery } from './schema.js';
import { getBot, listBots } from './service.js';

const tags = ['Bots'];
documentPublic({
  method: 'get',
  path: '/bots',
  tags,
  summary: 'List bots',
  description: 'Pages are served from the server process\'s memory for up to BOT_LIST_CACHE_MS (1 s by default): a bot the bot engine created through another server process is listed within that.',
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

/** A cached page's answer, made once per page the cache holds (formatting dates was ~6 % of a request's CPU). */
const presented = new WeakMap<Page<BotDoc>, BotListOut>();

/** `GET /bots`, `GET /bots/:id`. */
export function botsRouter({ deps, config }: RouteFactoryOptions): Router {
  const router = new Router();
  router.get('/bots', async (ctx) => {
    const page = await listBots(deps.connection, authOf(ctx).workspaceId, parseQuery(ctx, ListBotsQuery), config.BOT_LIST_CACHE_MS);
    let body = presented.get(page);
    if (!body) presented.set(page, (body = { bots: page.items.map(presentBot), nextCursor: page.nextCursor } satisfies BotListOut));
    ctx.body = body;
  });
  router.get('/bots/:id', async (ctx) => {
    ctx.body = presentBot(await getBot(deps.connection, authOf(ctx).workspaceId, ctx.params.id ?? ''));
  });
  return router;
}
