import { getConversation } from '../conversations/service.js';
import { setOnConversation } from '../conversations/write.js';
import { newId } from '../db/model.js';
import type { CapturedLeadOut, CaptureLeadIn } from './schema.js';
import type { ActionDeps, Caller } from './service.js';

/**
 * Stores a lead that an integration captured (a form, a CRM) on its conversation, stamped with
 * the calling key, and emits `lead.captured` exactly as when the bot captures one. A new capture
 * replaces the conversation's lead, as the bot engine's do.
 */
export async function captureLead({ connection, events }: ActionDeps, caller: Caller, input: CaptureLeadIn): Promise<CapturedLeadOut> {
  const conversation = await getConversation(connection, caller.workspaceId, input.conversationId);
  const capturedAt = new Date();
  const leadId = newId('lead');
  const capturedFields = { email: input.email, name: input.name, phone: input.phone };
  const lead = { leadId, ...capturedFields, email: input.email?.toLowerCase() ?? null, capturedAt, apiKeyId: caller.apiKeyId };
  await setOnConversation(connection, { conversationId: conversation._id, workspaceId: caller.workspaceId }, { lead, updatedAt: capturedAt });
  const data = {
    conversationId: conversation._id,
    botId: conversation.botId,
    sessionId: conversation.sessionId,
    leadId,
    capturedFields,
    capturedAt: capturedAt.toISOString(),
  };
  await events.publish({ workspaceId: caller.workspaceId, type: 'lead.captured', data });
  return { leadId, conversationId: conversation._id, botId: conversation.botId, capturedFields, capturedAt: data.capturedAt };
}
