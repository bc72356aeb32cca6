import {
  defineInputFields,
  defineSearch,
  type InferInputData,
  type SearchPerform,
  type ZObject,
} from 'zapier-platform-core';
import type { ConversationOut, ListOut } from '@nebulahex/shared';
import { apiRequest } from '../client.js';
import { CONVERSATION_OUTPUT_FIELDS, SAMPLE_BOT_NAMES, SAMPLE_CONVERSATION, fetchBotNames, toConversationRecord, type BotNames } from '../conversation.js';
import { raiseForApiError } from '../middleware.js';

const inputFields = defineInputFields([
  {
    key: 'conversationId',
    label: 'Conversation',
    required: false,
    dynamic: 'listConversations.id.label',
    helpText: 'Find this exact conversation. Fill this or Lead Email.',
  },
  {
    key: 'leadEmail',
    label: 'Lead Email',
    required: false,
    helpText: 'Find the most recent conversation with a lead who left this email address.',
  },
]);

type FoundConversation = ReturnType<typeof toConversationRecord>;

// A 404 here is an answer ("no such conversation"), not a failure of the step.
async function findById(z: ZObject, conversationId: string, botNames: BotNames): Promise<FoundConversation[]> {
  const response = await apiRequest<ConversationOut>(z, {
    path: `/conversations/${encodeURIComponent(conversationId)}`,
    skipThrowForStatus: true,
  });
  if (response.status === 404) return [];
  raiseForApiError(response, z).throwForStatus();
  return [toConversationRecord(response.data, botNames)];
}

async function findByLeadEmail(z: ZObject, leadEmail: string, botNames: BotNames): Promise<FoundConversation[]> {
  const response = await apiRequest<ListOut<'conversations', ConversationOut>>(z, {
    path: '/conversations',
    params: { leadEmail, limit: 10 },
    subject: { noun: 'conversation', fieldLabels: { leadEmail: 'Lead Email' } },
  });
  return response.data.conversations.map((conversation) => toConversationRecord(conversation, botNames));
}

const perform = (async (z, bundle) => {
  const { conversationId, leadEmail } = bundle.inputData;
  if (!conversationId && !leadEmail) throw new z.errors.HaltedError('Fill in Conversation or Lead Email to search for a conversation.');
  const botNames = await fetchBotNames(z);
  return conversationId ? findById(z, conversationId, botNames) : findByLeadEmail(z, (leadEmail ?? '').trim(), botNames);
}) satisfies SearchPerform<InferInputData<typeof inputFields>>;

export default defineSearch({
  key: 'find_conversation',
  noun: 'Conversation',
  display: {
    label: 'Find Conversation',
    description: 'Finds a conversation by its ID or by the email address of its lead.',
  },
  operation: {
    perform,
    inputFields,
    sample: toConversationRecord(SAMPLE_CONVERSATION, SAMPLE_BOT_NAMES),
    outputFields: [...CONVERSATION_OUTPUT_FIELDS],
  },
});
