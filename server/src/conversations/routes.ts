import Router from '@koa/router';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { parseQuery } from '../http/validate.js';
import { IdParam, documentPublic, jsonResponse, notFound } from '../openapi/registry.js';
import { presentConversation, presentConversationDetail } from './presenter.js';
import { ConversationDetailOut, ConversationListOut, ListConversationsQuery } from './schema.js';
import { getConversation, latestMessages, listConversations } from './service.js';

const tags = ['Conversations'];
documentPublic({
  method: 'get',
  path: '/conversations',
  tags,
  summary: 'List conversations',
  description: 'Newest first; filter by bot, status, lead email or last update.',
  request: { query: ListConversationsQuery },
  responses: { 200: jsonResponse('The conversations.', ConversationListOut) },
});
documentPublic({
  method: 'get',
  path: '/conversations/:id',
  tags,
  summary: 'Get a conversation with its latest messages',
  request: { params: IdParam('Conversation id') },
  responses: { 200: jsonResponse('The conversation.', ConversationDetailOut), 404: notFound },
});

/** `GET /conversations`, `GET /conversations/:id`. */
export function conversationsRouter({ deps }: RouteFactoryOptions): Router {
  const router = new Router();
  router.get('/conversations', async (ctx) => {
    const page = await listConversations(deps.connection, authOf(ctx).workspaceId, parseQuery(ctx, ListConversationsQuery));
    ctx.body = { conversations: page.items.map(presentConversation), nextCursor: page.nextCursor } satisfies ConversationListOut;
  });
  router.get('/conversations/:id', async (ctx) => {
    const { workspaceId } = authOf(ctx);
    const conversation = await getConversation(deps.connection, workspaceId, ctx.params.id ?? '');
    ctx.body = presentConversationDetail(conversation, await latestMessages(deps.connection, workspaceId, conversation._id));
  });
  return router;
}
