import { defineTrigger, type PollingTriggerPerform } from 'zapier-platform-core';
import type { ConversationOut } from '@nebulahex/shared';
import { CONVERSATION_OUTPUT_FIELDS, SAMPLE_CONVERSATION, toConversationRecord } from '../conversation.js';
import { fetchDropdownPage } from './dropdownPage.js';

// When the form around the dropdown has a Bot chosen, Zapier passes it in `inputData`. Resolved
// conversations are left out: no action can do anything with them (Send Message answers 409).
const perform = (async (z, bundle) => {
  const botId = typeof bundle.inputData.botId === 'string' ? bundle.inputData.botId : undefined;
  const conversations = await fetchDropdownPage<'conversations', ConversationOut>(z, bundle, {
    path: '/conversations',
    listKey: 'conversations',
    params: { botId, status: 'open,escalated' },
  });
  return conversations.map((conversation) => toConversationRecord(conversation));
}) satisfies PollingTriggerPerform;

/** Hidden: feeds the "Conversation" dropdowns, newest first. */
export default defineTrigger({
  key: 'listConversations',
  noun: 'Conversation',
  display: {
    label: 'List Conversations',
    description: 'Triggers when a conversation starts; only used to fill the conversation dropdowns with unresolved conversations.',
    hidden: true,
  },
  operation: {
    type: 'polling',
    perform,
    canPaginate: true,
    sample: toConversationRecord(SAMPLE_CONVERSATION),
    outputFields: [...CONVERSATION_OUTPUT_FIELDS],
  },
});
