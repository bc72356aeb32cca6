// Gives the fuzzed workspace real data, so list and lookup operations answer with content
// (and the stateful phase can follow real ids), not only empty lists and 404s.
import { eventCatalog } from '@nebulahex/shared';

/** Creates a workspace with a bot, a conversation, a captured lead and a subscription; answers its admin key. */
export async function seedWorkspace(server) {
  const { workspace, apiKey } = await server.internal('/workspaces', { name: 'Fuzz workspace' });
  const bot = await server.internal(`/workspaces/${workspace.id}/bots`, { name: 'Fuzz bot', isActive: true });
  const conversation = await server.internal(`/workspaces/${workspace.id}/conversations`, { botId: bot.id, channel: 'web' });
  await server.internal('/events', {
    workspaceId: workspace.id,
    type: 'lead.captured',
    data: { ...eventCatalog['lead.captured'].sample, conversationId: conversation.id, botId: bot.id, sessionId: conversation.sessionId },
  });
  const hook = await fetch(`${server.baseUrl}/api/v1/hooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey.key}`, 'content-type': 'application/json' },
    // Nothing listens on port 9 (discard): deliveries fail fast and stay on the record.
    body: JSON.stringify({ event: 'lead.captured', targetUrl: 'http://127.0.0.1:9/hook' }),
  });
  if (hook.status !== 201) throw new Error(`seeding a subscription answered ${hook.status}: ${await hook.text()}`);
  return { workspaceId: workspace.id, apiKey: apiKey.key };
}
