import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { SendMessageIn, SendMessageOut } from '@nebulahex/shared';
import { apiRequest, conversationUrl, isReplayed } from '../client.js';
import { botFilterField, conversationField } from '../fields.js';
import { REPLAY_OUTPUT_FIELD, deduplicationKeyField, idempotencyKeyFor } from '../idempotency.js';

const inputFields = defineInputFields([
  botFilterField('Only list conversations of this bot in the Conversation dropdown. Optional.'),
  conversationField,
  {
    key: 'message',
    label: 'Message',
    type: 'text',
    required: true,
    helpText: 'The text to send to the visitor in this conversation, as your team.',
  },
  deduplicationKeyField,
]);

const perform = (async (z, bundle) => {
  const { conversationId, message } = bundle.inputData;
  const body = { conversationId, message } satisfies SendMessageIn;
  const response = await apiRequest<SendMessageOut>(z, {
    method: 'POST',
    path: '/actions/send-message',
    body,
    idempotencyKey: idempotencyKeyFor(bundle, 'send_message', body),
    subject: {
      noun: 'conversation',
      id: conversationId,
      fieldLabels: { conversationId: 'Conversation', message: 'Message' },
    },
  });
  const sent = response.data;
  return {
    id: sent.messageId,
    ...sent,
    text: message,
    conversationUrl: conversationUrl(sent.conversationId),
    isRepeat: isReplayed(response),
  };
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: 'send_message',
  noun: 'Message',
  display: {
    label: 'Send Message',
    description: 'Sends a message to the visitor in a conversation, as your team.',
  },
  operation: {
    perform,
    inputFields,
    sample: {
      id: 'msg_684ae1a75e9b2a41d07c3e52',
      messageId: 'msg_684ae1a75e9b2a41d07c3e52',
      conversationId: 'cnv_684adf1c5e9b2a41d07c3e15',
      sentAt: '2025-06-12T14:05:11.000Z',
      text: 'Your replacement ships today.',
      conversationUrl: 'https://nebulahex.com/app/conversations/cnv_684adf1c5e9b2a41d07c3e15',
      isRepeat: false,
    },
    outputFields: [
      { key: 'id', label: 'Message ID' },
      { key: 'messageId', label: 'Message ID (Same as ID)' },
      { key: 'conversationId', label: 'Conversation ID' },
      { key: 'text', label: 'Message Text' },
      { key: 'conversationUrl', label: 'Conversation Link' },
      { key: 'sentAt', label: 'Sent At', type: 'datetime' },
      REPLAY_OUTPUT_FIELD,
    ],
  },
});
