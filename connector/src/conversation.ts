/**
 * A conversation as the API answers it (`GET /conversations`, `GET /conversations/:id`), kept to
 * the fields the connector reads, plus how one becomes a record a Zap builder recognises.
 */
export interface ConversationOut {
  id: string;
  botId: string;
  status: 'open' | 'escalated' | 'resolved';
  channel?: string | null;
  sessionId?: string | null;
  lead?: { email?: string | null; name?: string | null; phone?: string | null } | null;
  createdAt: string;
  updatedAt?: string;
}

/** What a dropdown shows for a conversation: who it is with, its status and its id. */
export function conversationLabel(conversation: ConversationOut): string {
  const who = conversation.lead?.name ?? conversation.lead?.email ?? 'Anonymous visitor';
  return `${who} · ${conversation.status} · ${conversation.id}`;
}

/** The flat record a Zap sees for a conversation: the lead's fields flattened Zapier's way. */
export function toConversationRecord(conversation: ConversationOut): Record<string, unknown> {
  return {
    id: conversation.id,
    label: conversationLabel(conversation),
    botId: conversation.botId,
    status: conversation.status,
    channel: conversation.channel ?? null,
    sessionId: conversation.sessionId ?? null,
    lead__email: conversation.lead?.email ?? null,
    lead__name: conversation.lead?.name ?? null,
    lead__phone: conversation.lead?.phone ?? null,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt ?? conversation.createdAt,
  };
}

/** One label per key of `toConversationRecord`, shared by the dropdown trigger and the search. */
export const CONVERSATION_OUTPUT_FIELDS = [
  { key: 'id', label: 'Conversation ID' },
  { key: 'label', label: 'Conversation' },
  { key: 'botId', label: 'Bot ID' },
  { key: 'status', label: 'Status' },
  { key: 'channel', label: 'Channel' },
  { key: 'sessionId', label: 'Session ID' },
  { key: 'lead__email', label: 'Lead Email' },
  { key: 'lead__name', label: 'Lead Name' },
  { key: 'lead__phone', label: 'Lead Phone' },
  { key: 'createdAt', label: 'Created At', type: 'datetime' },
  { key: 'updatedAt', label: 'Updated At', type: 'datetime' },
] as const;

export const SAMPLE_CONVERSATION: ConversationOut = {
  id: 'cnv_684adf1c5e9b2a41d07c3e15',
  botId: 'bot_6849b3a05e9b2a41d07c1a02',
  status: 'escalated',
  channel: 'web',
  sessionId: 'web-3f9c2a7e81d4',
  lead: { email: 'maria.keller@example.com', name: 'Maria Keller', phone: '+49 30 901820' },
  createdAt: '2025-06-12T13:58:02.000Z',
  updatedAt: '2025-06-12T14:03:27.000Z',
};
