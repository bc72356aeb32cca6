import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { ResolveConversationIn, ResolveConversationOut } from '@nebulahex/shared';
import { apiRequest, conversationUrl, isReplayed } from '../client.js';
import { botFilterField, conversationField } from '../fields.js';
import { REPLAY_OUTPUT_FIELD, idempotencyKeyFor } from '../idempotency.js';

const inputFields = defineInputFields([
  botFilterField('Only list conversations of this bot in the Conversation dropdown. Optional.'),
  conversationField,
]);

// Resolving is idempotent on the server already; the key makes a retried step's answer the first one too.
const perform = (async (z, bundle) => {
  const { conversationId } = bundle.inputData;
  const body = { conversationId } satisfies ResolveConversationIn;
  const response = await apiRequest<ResolveConversationOut>(z, {
    method: 'POST',
    path: '/actions/resolve-conversation',
    body,
    idempotencyKey: idempotencyKeyFor(bundle, 'resolve_conversation', body),
    subject: { noun: 'conversation', id: conversationId, fieldLabels: { conversationId: 'Conversation' } },
  });
  return { id: response.data.conversationId, ...response.data, conversationUrl: conversationUrl(response.data.conversationId), isRepeat: isReplayed(response) };
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: 'resolve_conversation',
  noun: 'Conversation',
  display: {
    label: 'Resolve Conversation',
    description: 'Marks a conversation as resolved. Resolving one that is already resolved changes nothing.',
  },
  operation: {
    perform,
    inputFields,
    sample: {
      id: 'cnv_684adf1c5e9b2a41d07c3e15',
      conversationId: 'cnv_684adf1c5e9b2a41d07c3e15',
      status: 'resolved',
      resolvedAt: '2025-06-12T14:20:45.000Z',
      conversationUrl: 'https://nebulahex.com/app/conversations/cnv_684adf1c5e9b2a41d07c3e15',
      isRepeat: false,
    },
    outputFields: [
      { key: 'id', label: 'Conversation ID' },
      { key: 'conversationId', label: 'Conversation ID (Same as ID)' },
      { key: 'status', label: 'Status' },
      { key: 'resolvedAt', label: 'Resolved At', type: 'datetime' },
      { key: 'conversationUrl', label: 'Conversation Link' },
      REPLAY_OUTPUT_FIELD,
    ],
  },
});
