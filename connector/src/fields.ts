import { defineInputField } from 'zapier-platform-core';

/** An optional bot filter: a dropdown fed by the hidden `listBots` trigger. */
export const botFilterField = (helpText: string) =>
  defineInputField({
    key: 'botId',
    label: 'Bot',
    required: false,
    dynamic: 'listBots.id.name',
    altersDynamicFields: true,
    helpText,
  });

/** The conversation to act on: a dropdown fed by `listConversations`, or found by the search. */
export const conversationField = defineInputField({
  key: 'conversationId',
  label: 'Conversation',
  required: true,
  dynamic: 'listConversations.id.label',
  search: 'find_conversation.id',
  helpText:
    'Pick a conversation, map a Conversation ID from an earlier step, or add a "Find Conversation" ' +
    'search step to look it up by the lead\'s email.',
});
