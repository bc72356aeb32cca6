import Router from '@koa/router';
import { isZapierConnectorAgent, type CapturedLeadOut as SharedCapturedLeadOut, type ResolveConversationOut, type SendMessageOut } from '@nebulahex/shared';
import type { Context } from 'koa';
import type { RouteFactoryOptions } from '../app.js';
import { authOf } from '../auth/middleware.js';
import { parseBody } from '../http/validate.js';
import { documentPublic, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { captureLead } from './capture-lead.js';
import { CapturedLeadOut, CaptureLeadIn, ResolveConversationIn, ResolvedConversationOut, SendMessageIn, SentMessageOut } from './schema.js';
import { resolveConversation, sendMessage, type Caller } from './service.js';

const tags = ['Actions'];
documentPublic({
  method: 'post',
  path: '/actions/send-message',
  tags,
  summary: 'Send a message as the team',
  description:
    'Stores the message, stamped with the calling key, and emits `message.sent` with `sender: {type: "api", apiKeyId, viaZapier}` ' +
    '(`viaZapier` when the User-Agent carries `NebulaHex-Zapier/<version>`). A resolved conversation answers 409 `conversation_resolved`.',
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

documentPublic({
  method: 'post',
  path: '/actions/capture-lead',
  tags,
  summary: 'Capture a lead on a conversation',
  description:
    'Stores the lead (at least one of email, name or phone) on the conversation, stamped with the calling key, replacing an earlier ' +
    'lead, and emits `lead.captured` as when the bot captures one.',
  request: { body: jsonBodyOf(CaptureLeadIn) },
  responses: { 201: jsonResponse('The lead was stored and `lead.captured` emitted.', CapturedLeadOut), 404: notFound },
});

/** The calling key, and whether the call came through the Zapier connector. */
const callerOf = (ctx: Context): Caller => ({ ...authOf(ctx), viaZapier: isZapierConnectorAgent(ctx.get('User-Agent')) });

/** `POST /actions/send-message`, `POST /actions/resolve-conversation`, `POST /actions/capture-lead`. */
export function actionsRouter({ deps }: RouteFactoryOptions): Router {
  const router = new Router();
  router.post('/actions/send-message', async (ctx) => {
    const input = parseBody(ctx, SendMessageIn);
    const message = await sendMessage(deps, callerOf(ctx), input);
    ctx.status = 201;
    ctx.body = { messageId: message._id, conversationId: message.conversationId, sentAt: message.sentAt.toISOString() } satisfies SentMessageOut & SendMessageOut;
  });
  router.post('/actions/resolve-conversation', async (ctx) => {
    const { conversationId } = parseBody(ctx, ResolveConversationIn);
    const resolvedAt = await resolveConversation(deps, authOf(ctx), conversationId);
    ctx.body = { conversationId, status: 'resolved', resolvedAt: resolvedAt.toISOString() } satisfies ResolvedConversationOut & ResolveConversationOut;
  });
  router.post('/actions/capture-lead', async (ctx) => {
    const lead = await captureLead(deps, callerOf(ctx), parseBody(ctx, CaptureLeadIn));
    ctx.status = 201;
    ctx.body = lead satisfies SharedCapturedLeadOut;
  });
  return router;
}
