import Router from '@koa/router';
import type { ResolveConversationOut, SendMessageOut } from '@nebulahex/shared';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { parseBody } from '../http/validate.js';
import { documentPublic, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { ResolveConversationIn, ResolvedConversationOut, SendMessageIn, SentMessageOut } from './schema.js';
import { resolveConversation, sendMessage } from './service.js';

const tags = ['Actions'];
documentPublic({
  method: 'post',
  path: '/actions/send-message',
  tags,
  summary: 'Send a message as the team',
  description: 'Stores the message, stamped with the calling key, and emits `message.sent`. A resolved conversation answers 409 `conversation_resolved`.',
  request: { body: jsonBodyOf(SendMessageIn) },
  responses: { 201: jsonResponse('The message was stored and `message.sent` emitted.', SentMessageOut), 404: notFound },
});
documentPublic({
  method: 'post',
  path: '/actions/resolve-conversation',
  tags,
  summary: 'Resolve a conversation',
  description: 'Idempotent: resolving a resolved conversation answers its first resolution.',
  request: { body: jsonBodyOf(ResolveConversationIn) },
  responses: { 200: jsonResponse('The conversation is resolved.', ResolvedConversationOut), 404: notFound },
});

/** `POST /actions/send-message`, `POST /actions/resolve-conversation`. */
export function actionsRouter({ deps }: RouteFactoryOptions): Router {
  const router = new Router();
  router.post('/actions/send-message', async (ctx) => {
    const input = parseBody(ctx, SendMessageIn);
    const message = await sendMessage(deps, authOf(ctx), input);
    ctx.status = 201;
    ctx.body = { messageId: message._id, conversationId: message.conversationId, sentAt: message.sentAt.toISOString() } satisfies SentMessageOut & SendMessageOut;
  });
  router.post('/actions/resolve-conversation', async (ctx) => {
    const { conversationId } = parseBody(ctx, ResolveConversationIn);
    const resolvedAt = await resolveConversation(deps, authOf(ctx), conversationId);
    ctx.body = { conversationId, status: 'resolved', resolvedAt: resolvedAt.toISOString() } satisfies ResolvedConversationOut & ResolveConversationOut;
  });
  return router;
}
