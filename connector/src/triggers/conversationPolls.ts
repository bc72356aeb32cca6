import type { ConversationOut, ListOut } from '@nebulahex/shared';
import { defineTrigger, type Bundle, type PollingTriggerPerform, type ZObject } from 'zapier-platform-core';
import { apiRequest } from '../client.js';
import { CONVERSATION_OUTPUT_FIELDS, SAMPLE_BOT_NAMES, SAMPLE_CONVERSATION, fetchBotNames, toConversationRecord } from '../conversation.js';
import { botFilterField } from '../fields.js';

/** How many conversations one poll reads (the API's page maximum); Zapier deduplicates by `id`. */
const POLL_LIMIT = 100;

async function latestConversations(z: ZObject, bundle: Bundle, params: Record<string, string>): Promise<ConversationOut[]> {
  const botId = typeof bundle.inputData.botId === 'string' && bundle.inputData.botId !== '' ? bundle.inputData.botId : undefined;
  const response = await apiRequest<ListOut<'conversations', ConversationOut>>(z, {
    path: '/conversations',
    params: { ...params, botId, limit: POLL_LIMIT },
    subject: { noun: 'bot', id: botId },
  });
  return response.data.conversations;
}

const newConversations = (async (z, bundle) => {
  const [conversations, botNames] = await Promise.all([latestConversations(z, bundle, {}), fetchBotNames(z)]);
  return conversations.map((conversation) => toConversationRecord(conversation, botNames));
}) satisfies PollingTriggerPerform;

/**
 * A resolution's record. Its `id` is `<conversation id>:<resolvedAt>`: Zapier deduplicates on
 * `id`, so a conversation resolved, reopened by the bot engine and resolved again triggers twice,
 * while the same resolution seen in many polls triggers once.
 */
function toResolutionRecord(conversation: ConversationOut, botNames: ReadonlyMap<string, string>) {
  const record = toConversationRecord(conversation, botNames);
  return { ...record, id: `${conversation.id}:${conversation.resolvedAt ?? ''}`, conversationId: conversation.id };
}

const resolvedConversations = (async (z, bundle) => {
  const [conversations, botNames] = await Promise.all([latestConversations(z, bundle, { sort: '-resolvedAt' }), fetchBotNames(z)]);
  return conversations.map((conversation) => toResolutionRecord(conversation, botNames));
}) satisfies PollingTriggerPerform;

const botFilter = botFilterField('Only trigger on conversations of this bot. Leave empty for every bot.');

export const newConversation = defineTrigger({
  key: 'new_conversation',
  noun: 'Conversation',
  display: { label: 'New Conversation', description: 'Triggers when a visitor starts a new conversation with one of your bots.' },
  operation: {
    type: 'polling',
    inputFields: [botFilter],
    perform: newConversations,
    sample: toConversationRecord(SAMPLE_CONVERSATION, SAMPLE_BOT_NAMES),
    outputFields: [...CONVERSATION_OUTPUT_FIELDS],
  },
});

const RESOLVED_SAMPLE = { ...SAMPLE_CONVERSATION, status: 'resolved' as const, resolvedAt: '2025-06-12T14:20:45.000Z' };

export const conversationResolved = defineTrigger({
  key: 'conversation_resolved',
  noun: 'Conversation',
  display: { label: 'Conversation Resolved', description: 'Triggers when a conversation is marked as resolved.' },
  operation: {
    type: 'polling',
    inputFields: [botFilter],
    perform: resolvedConversations,
    sample: toResolutionRecord(RESOLVED_SAMPLE, SAMPLE_BOT_NAMES),
    outputFields: [
      { key: 'id', label: 'Resolution ID' },
      { key: 'conversationId', label: 'Conversation ID' },
      ...CONVERSATION_OUTPUT_FIELDS.filter((field) => field.key !== 'id'),
    ],
  },
});
