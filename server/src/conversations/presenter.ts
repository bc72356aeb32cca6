import type { ConversationDetailOut as SharedDetailOut, ConversationOut as SharedConversationOut, MessageOut as SharedMessageOut } from '@nebulahex/shared';
import type { ConversationDoc, MessageDoc } from './model.js';
import type { ConversationDetailOut, ConversationOut, MessageOut } from './schema.js';

export function presentConversation(conversation: ConversationDoc): ConversationOut {
  const { lead } = conversation;
  return {
    id: conversation._id,
    botId: conversation.botId,
    sessionId: conversation.sessionId,
    channel: conversation.channel,
    status: conversation.status,
    lead: lead ? { leadId: lead.leadId, email: lead.email, name: lead.name, phone: lead.phone, capturedAt: lead.capturedAt.toISOString() } : null,
    escalationReason: conversation.escalationReason,
    resolvedAt: conversation.resolvedAt ? conversation.resolvedAt.toISOString() : null,
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
  } satisfies SharedConversationOut;
}

export function presentMessage(message: MessageDoc): MessageOut {
  return { id: message._id, sender: message.sender, text: message.text, channel: message.channel, sentAt: message.sentAt.toISOString() } satisfies SharedMessageOut;
}

/** The conversation with its latest messages (given newest first, shown oldest first). */
export function presentConversationDetail(conversation: ConversationDoc, latestMessages: MessageDoc[]): ConversationDetailOut {
  return { ...presentConversation(conversation), messages: [...latestMessages].reverse().map(presentMessage) } satisfies SharedDetailOut;
}
