import Router from '@koa/router';
import { z } from 'zod';
import type { RouteFactoryOptions } from '../app.js';
import { createApiKeyService } from '../auth/service.js';
import { presentBot } from '../bots/presenter.js';
import { BotOut, CreateBotIn } from '../bots/schema.js';
import { createBot } from '../bots/service.js';
import { presentConversation } from '../conversations/presenter.js';
import { ConversationOut, CreateConversationIn } from '../conversations/schema.js';
import { createConversation } from '../conversations/service.js';
import { createEncryptor } from '../crypto/encryption.js';
import { parseBody } from '../http/validate.js';
import { documentInternal, jsonBodyOf, jsonResponse, notFound } from '../openapi/registry.js';
import { presentWorkspace } from '../workspaces/presenter.js';
import { CreatedWorkspaceOut, CreateWorkspaceIn } from '../workspaces/schema.js';
import { createWorkspace, getWorkspace } from '../workspaces/service.js';

const WorkspaceParam = z.object({ id: z.string().meta({ description: 'Workspace id' }) });
documentInternal({
  method: 'post',
  path: '/workspaces',
  summary: 'Create a workspace with its first admin key',
  request: { body: jsonBodyOf(CreateWorkspaceIn) },
  responses: { 201: jsonResponse('The workspace and its admin key, in full.', CreatedWorkspaceOut) },
});
documentInternal({
  method: 'post',
  path: '/workspaces/:id/bots',
  summary: 'Create a bot',
  request: { params: WorkspaceParam, body: jsonBodyOf(CreateBotIn) },
  responses: { 201: jsonResponse('The bot.', BotOut), 404: notFound },
});
documentInternal({
  method: 'post',
  path: '/workspaces/:id/conversations',
  summary: 'Open a conversation',
  request: { params: WorkspaceParam, body: jsonBodyOf(CreateConversationIn) },
  responses: { 201: jsonResponse('The conversation.', ConversationOut), 404: notFound },
});

/** Provisioning for the bot engine: workspaces (with their first admin key), bots, conversations. */
export function provisioningRouter({ config, deps }: RouteFactoryOptions): Router {
  const { connection } = deps;
  const encryptor = createEncryptor(config.ENCRYPTION_KEY);
  const apiKeys = createApiKeyService({ connection, encryptor, revealWindowMinutes: config.KEY_REVEAL_WINDOW_MINUTES });
  const router = new Router();
  router.post('/workspaces', async (ctx) => {
    const { name } = parseBody(ctx, CreateWorkspaceIn);
    const { workspace, key, plain } = await createWorkspace({ connection, apiKeys }, name);
    ctx.status = 201;
    ctx.body = {
      workspace: presentWorkspace(workspace),
      apiKey: { id: key._id, name: key.name, prefix: key.prefix, role: key.role, key: plain },
    } satisfies CreatedWorkspaceOut;
  });
  router.post('/workspaces/:id/bots', async (ctx) => {
    const input = parseBody(ctx, CreateBotIn);
    const workspace = await getWorkspace(connection, ctx.params.id ?? '');
    ctx.status = 201;
    ctx.body = presentBot(await createBot(connection, workspace._id, input));
  });
  router.post('/workspaces/:id/conversations', async (ctx) => {
    const input = parseBody(ctx, CreateConversationIn);
    const workspace = await getWorkspace(connection, ctx.params.id ?? '');
    ctx.status = 201;
    ctx.body = presentConversation(await createConversation(connection, workspace._id, input));
  });
  return router;
}
