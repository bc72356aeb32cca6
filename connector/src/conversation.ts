import type { BotOut, ConversationOut, ListOut } from '@nebulahex/shared';
import type { ZObject } from 'zapier-platform-core';
import { apiRequest, conversationUrl } from './client.js';
import { splitName } from './records.js';

/** Bot id → name, for records that name their bot (one request: the API's largest page of bots). */
export type BotNames = ReadonlyMap<string, string>;

export async function fetchBotNames(z: ZObject): Promise<BotNames> {
  const response = await apiRequest<ListOut<'bots', BotOut>>(z, { path: '/bots', params: { limit: 100 } });
  return new Map(response.data.bots.map((bot) => [bot.id, bot.name]));
}

/** What a dropdown shows for a conversation: who it is with, its status and its id. */
export function conversationLabel(conversation: ConversationOut): string {
  const who = conversation.lead?.name ?? conversation.lead?.email ?? 'Anonymous visitor';
  return `${who} · ${conversation.status} · ${conversation.id}`;
}

/**
 * The flat record a Zap sees for a conversation (dropdown and search alike): the lead flattened
 * Zapier's way (`lead__email`), without the message list, which Zap fields cannot show well.
 */
export function toConversationRecord(conversation: ConversationOut, botNames: BotNames = new Map()): Record<string, unknown> & { id: string } {
  const { lead } = conversation;
  const { firstName, lastName } = splitName(lead?.name);
  return {
    id: conversation.id,
    label: conversationLabel(conversation),
    conversationUrl: conversationUrl(conversation.id),
    botId: conversation.botId,
    botName: botNames.get(conversation.botId) ?? null,
    status: conversation.status,
    channel: conversation.channel,
    sessionId: conversation.sessionId,
    lead__leadId: lead?.leadId ?? null,
    lead__email: lead?.email ?? null,
    lead__name: lead?.name ?? null,
    lead__firstName: firstName,
    lead__lastName: lastName,
    lead__phone: lead?.phone ?? null,
    escalationReason: conversation.escalationReason,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    resolvedAt: conversation.resolvedAt,
  };
}

export const SAMPLE_BOT_NAMES: BotNames = new Map([['bot_6849b3a05e9b2a41d07c1a02', 'Website Assistant']]);

/** One label per key of `toConversationRecord`. */
export const CONVERSATION_OUTPUT_FIELDS = [
  { key: 'id', label: 'Conversation ID' },
  { key: 'label', label: 'Conversation' },
  { key: 'conversationUrl', label: 'Conversation Link' },
  { key: 'botId', label: 'Bot ID' },
  { key: 'botName', label: 'Bot Name' },
  { key: 'status', label: 'Status' },
  { key: 'channel', label: 'Channel' },
  { key: 'sessionId', label: 'Session ID' },
  { key: 'lead__leadId', label: 'Lead ID' },
  { key: 'lead__email', label: 'Lead Email' },
  { key: 'lead__name', label: 'Lead Name' },
  { key: 'lead__firstName', label: 'Lead First Name' },
  { key: 'lead__lastName', label: 'Lead Last Name' },
  { key: 'lead__phone', label: 'Lead Phone' },
  { key: 'escalationReason', label: 'Escalation Reason' },
  { key: 'createdAt', label: 'Created At', type: 'datetime' },
  { key: 'updatedAt', label: 'Updated At', type: 'datetime' },
  { key: 'resolvedAt', label: 'Resolved At', type: 'datetime' },
] as const;

export const SAMPLE_CONVERSATION: ConversationOut = {
  id: 'cnv_684adf1c5e9b2a41d07c3e15',
  botId: 'bot_6849b3a05e9b2a41d07c1a02',
  status: 'escalated',
  sessionId: 'web-3f9c2a7e81d4',
  channel: 'web',
  lead: {
    leadId: 'lead_684ae0125e9b2a41d07c3e40',
    email: 'maria.keller@example.com',
    name: 'Maria Keller',
    phone: '+49 30 901820',
    capturedAt: '2025-06-12T14:01:12.000Z',
  },
  escalationReason: 'The visitor asked to speak to a person.',
  createdAt: '2025-06-12T13:58:02.000Z',
  updatedAt: '2025-06-12T14:03:27.000Z',
  resolvedAt: null,
};
