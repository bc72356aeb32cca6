import type { Connection } from 'mongoose';
import type { RuntimeConfig } from '../config.js';
import { createApiKeyService } from '../auth/service.js';
import { createBot } from '../bots/service.js';
import { applyEventToConversation } from '../conversations/events.js';
import { createConversation } from '../conversations/service.js';
import { createEncryptor } from '../crypto/encryption.js';
import { newId } from '../db/model.js';
import type { EventPublisher } from '../events/publisher.js';
import { createPortalService, signInUrl } from '../portal/service.js';
import { workspaceModel } from '../workspaces/model.js';
import { createWorkspace } from '../workspaces/service.js';

export interface DemoSeedDeps {
  connection: Connection;
  events: EventPublisher;
  config: RuntimeConfig;
}

export interface DemoSeed {
  workspaceId: string;
  apiKey: string;
  conversationId: string;
}

/** Seeds only a fresh embedded database, and only when DEMO_SEED is on. */
export function shouldSeedDemo(config: Pick<RuntimeConfig, 'MONGODB_URI' | 'DEMO_SEED'>): boolean {
  return config.MONGODB_URI === undefined && config.DEMO_SEED;
}

/**
 * Creates a demo workspace with two bots and a few conversations (one with a lead, one
 * escalated) when no workspace exists yet; answers null otherwise. Lead and escalation
 * go through the same events the bot engine would send, so `GET /events` shows them too.
 */
export async function seedDemo({ connection, events, config }: DemoSeedDeps): Promise<DemoSeed | null> {
  if ((await workspaceModel(connection).countDocuments({}, { limit: 1 })) > 0) return null;
  const apiKeys = createApiKeyService({ connection, encryptor: createEncryptor(config.ENCRYPTION_KEY), revealWindowMinutes: config.KEY_REVEAL_WINDOW_MINUTES });
  const { workspace, plain } = await createWorkspace({ connection, apiKeys }, 'Demo workspace');
  const workspaceId = workspace._id;
  const support = await createBot(connection, workspaceId, { name: 'Support bot', isActive: true });
  const sales = await createBot(connection, workspaceId, { name: 'Sales bot', isActive: true });
  const conversationId = await seedConversations({ connection, events }, workspaceId, support._id, sales._id);
  return { workspaceId, apiKey: plain, conversationId };
}

/** Three conversations: one open, one with a captured lead, one escalated. Answers the open one's id. */
async function seedConversations({ connection, events }: Pick<DemoSeedDeps, 'connection' | 'events'>, workspaceId: string, supportBotId: string, salesBotId: string): Promise<string> {
  const open = await createConversation(connection, workspaceId, { botId: supportBotId, channel: 'web' });
  const withLead = await createConversation(connection, workspaceId, { botId: salesBotId, channel: 'web' });
  const escalated = await createConversation(connection, workspaceId, { botId: supportBotId, channel: 'whatsapp' });
  const now = new Date().toISOString();
  const ingest = async (type: string, data: Record<string, unknown>) => {
    await events.publish({ workspaceId, type, data });
    await applyEventToConversation(connection, { workspaceId, type, data });
  };
  await ingest('lead.captured', {
    conversationId: withLead._id, botId: salesBotId, sessionId: withLead.sessionId, leadId: newId('lead'),
    capturedFields: { email: 'ada@example.com', name: 'Ada Lovelace', phone: '+44 20 7946 0958' }, capturedAt: now,
  });
  await ingest('conversation.escalation', {
    conversationId: escalated._id, botId: supportBotId, sessionId: escalated.sessionId, reason: 'The customer asked for a refund.',
    transcript: 'Visitor: I would like a refund for order 1042.\nBot: Let me get someone from the team for you.', escalatedAt: now,
  });
  return open._id;
}

/**
 * A fresh sign-in link to the portal of the demo workspace (the oldest one) for `npm start`
 * to print; null when there is no workspace.
 */
export async function demoPortalLink(connection: Connection, config: RuntimeConfig, baseUrl: string): Promise<string | null> {
  const workspace = await workspaceModel(connection).findOne({}, { _id: 1 }).sort({ _id: 1 }).lean<{ _id: string }>();
  if (!workspace) return null;
  const portal = createPortalService(connection, { linkTtlMinutes: config.PORTAL_LINK_TTL_MINUTES, idleMinutes: config.PORTAL_SESSION_IDLE_MINUTES, maxHours: config.PORTAL_SESSION_MAX_HOURS });
  const { token } = await portal.createLink(workspace._id, 'the operator who started the server');
  return signInUrl(baseUrl, token);
}

/** What `npm start` prints after seeding: where to go and two requests to copy. */
export function demoBanner(baseUrl: string, internalToken: string, seed: DemoSeed | null, portalLink: string | null = null): string {
  const lines = [
    '',
    `NebulaHex is running at ${baseUrl} — API reference: ${baseUrl}/docs`,
    `Internal API token (bot engine): ${internalToken}`,
    ...(portalLink ? [`Portal of the demo workspace (this link works once, within the next few minutes): ${portalLink}`] : []),
  ];
  if (!seed) {
    lines.push(
      'The database already has workspaces (the demo admin key was printed when it was first seeded). Create a new workspace and key with:',
      `  curl -s -X POST ${baseUrl}/internal/v1/workspaces -H "Authorization: Bearer ${internalToken}" -H "Content-Type: application/json" -d '{"name":"My workspace"}'`,
      '',
    );
    return lines.join('\n');
  }
  lines.push(
    `Demo workspace seeded. Admin API key (shown once): ${seed.apiKey}`,
    '',
    'Try:',
    `  curl -s ${baseUrl}/api/v1/conversations -H "Authorization: Bearer ${seed.apiKey}"`,
    `  curl -s -X POST ${baseUrl}/api/v1/actions/send-message -H "Authorization: Bearer ${seed.apiKey}" -H "Content-Type: application/json" -d '{"conversationId":"${seed.conversationId}","message":"Hi! Someone from our team here."}'`,
    '',
  );
  return lines.join('\n');
}
