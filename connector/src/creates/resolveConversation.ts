import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { ResolveConversationIn, ResolveConversationOut } from '@nebulahex/shared';
import { apiRequest } from '../client.js';
import { botFilterField, conversationField } from '../fields.js';

const inputFields = defineInputFields([
  botFilterField('Only list conversations of this bot in the Conversation dropdown. Optional.'),
  conversationField,
]);

const perform = (async (z, bundle) => {
  const { conversationId } = bundle.inputData;
  const response = await apiRequest<ResolveConversationOut>(z, {
    method: 'POST',
    path: '/actions/resolve-conversation',
    body: { conversationId } satisfies ResolveConversationIn,
    subject: { noun: 'conversation', id: conversationId, fieldLabels: { conversationId: 'Conversation' } },
  });
  return { id: response.data.conversationId, ...response.data };
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
    },
    outputFields: [
      { key: 'id', label: 'Conversation ID' },
      { key: 'conversationId', label: 'Conversation ID (Same as ID)' },
      { key: 'status', label: 'Status' },
      { key: 'resolvedAt', label: 'Resolved At', type: 'datetime' },
    ],
  },
});
