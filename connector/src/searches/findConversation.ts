import {
  defineInputFields,
  defineSearch,
  type InferInputData,
  type SearchPerform,
  type ZObject,
} from 'zapier-platform-core';
import type { ConversationOut, ListOut } from '@nebulahex/shared';
import { apiRequest } from '../client.js';
import { CONVERSATION_OUTPUT_FIELDS, SAMPLE_CONVERSATION, toConversationRecord } from '../conversation.js';
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
async function findById(z: ZObject, conversationId: string): Promise<FoundConversation[]> {
  const response = await apiRequest<ConversationOut>(z, {
    path: `/conversations/${encodeURIComponent(conversationId)}`,
    skipThrowForStatus: true,
  });
  if (response.status === 404) return [];
  raiseForApiError(response, z).throwForStatus();
  return [toConversationRecord(response.data)];
}

async function findByLeadEmail(z: ZObject, leadEmail: string): Promise<FoundConversation[]> {
  const response = await apiRequest<ListOut<'conversations', ConversationOut>>(z, {
    path: '/conversations',
    params: { leadEmail, limit: 10 },
    subject: { noun: 'conversation', fieldLabels: { leadEmail: 'Lead Email' } },
  });
  return response.data.conversations.map(toConversationRecord);
}

const perform = (async (z, bundle) => {
  const { conversationId, leadEmail } = bundle.inputData;
  if (conversationId) return findById(z, conversationId);
  if (leadEmail) return findByLeadEmail(z, leadEmail.trim());
  throw new z.errors.Error('Fill in Conversation or Lead Email to search for a conversation.', 'missing_input', 400);
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
    sample: toConversationRecord(SAMPLE_CONVERSATION),
    outputFields: [...CONVERSATION_OUTPUT_FIELDS],
  },
});
