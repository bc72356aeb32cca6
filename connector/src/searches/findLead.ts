import type { ConversationOut, ListOut } from '@nebulahex/shared';
import { defineInputFields, defineSearch, type InferInputData, type SearchPerform } from 'zapier-platform-core';
import { apiRequest, conversationUrl } from '../client.js';
import { splitName } from '../records.js';

/** A lead as Find Lead and Capture Lead answer it: one sample and one list of fields for both. */
export const LEAD_SAMPLE = {
  id: 'lead_684ae0125e9b2a41d07c3e40',
  leadId: 'lead_684ae0125e9b2a41d07c3e40',
  conversationId: 'cnv_684adf1c5e9b2a41d07c3e15',
  botId: 'bot_6849b3a05e9b2a41d07c1a02',
  email: 'maria.keller@example.com',
  name: 'Maria Keller',
  firstName: 'Maria',
  lastName: 'Keller',
  phone: '+49 30 901820',
  capturedAt: '2025-06-12T14:01:12.000Z',
  conversationUrl: 'https://nebulahex.com/app/conversations/cnv_684adf1c5e9b2a41d07c3e15',
};

export const LEAD_OUTPUT_FIELDS = [
  { key: 'id', label: 'Lead ID' },
  { key: 'leadId', label: 'Lead ID (Same as ID)' },
  { key: 'email', label: 'Email' },
  { key: 'name', label: 'Name' },
  { key: 'firstName', label: 'First Name' },
  { key: 'lastName', label: 'Last Name' },
  { key: 'phone', label: 'Phone' },
  { key: 'conversationId', label: 'Conversation ID' },
  { key: 'conversationUrl', label: 'Conversation Link' },
  { key: 'botId', label: 'Bot ID' },
  { key: 'capturedAt', label: 'Captured At', type: 'datetime' },
] as const;

const inputFields = defineInputFields([
  { key: 'email', label: 'Email', required: true, helpText: 'The email address of the lead to find, e.g. maria.keller@example.com.' },
]);

/** The lead a conversation holds, in the shape Capture Lead answers (so Find or Capture Lead has one shape). */
export function toLeadRecord(conversation: ConversationOut & { lead: NonNullable<ConversationOut['lead']> }) {
  const { lead } = conversation;
  return {
    id: lead.leadId,
    leadId: lead.leadId,
    conversationId: conversation.id,
    botId: conversation.botId,
    email: lead.email,
    name: lead.name,
    ...splitName(lead.name),
    phone: lead.phone,
    capturedAt: lead.capturedAt,
    conversationUrl: conversationUrl(conversation.id),
  };
}

const hasLead = (conversation: ConversationOut): conversation is ConversationOut & { lead: NonNullable<ConversationOut['lead']> } => conversation.lead !== null;

// The latest conversations whose lead left this email, newest first; [] when there is none.
const perform = (async (z, bundle) => {
  const response = await apiRequest<ListOut<'conversations', ConversationOut>>(z, {
    path: '/conversations',
    params: { leadEmail: bundle.inputData.email.trim(), limit: 10 },
    subject: { noun: 'lead', fieldLabels: { leadEmail: 'Email' } },
  });
  return response.data.conversations.filter(hasLead).map(toLeadRecord);
}) satisfies SearchPerform<InferInputData<typeof inputFields>>;

export default defineSearch({
  key: 'find_lead',
  noun: 'Lead',
  display: {
    label: 'Find Lead',
    description: 'Finds the latest lead who left this email address in a conversation with one of your bots.',
  },
  operation: {
    perform,
    inputFields,
    sample: LEAD_SAMPLE,
    outputFields: [...LEAD_OUTPUT_FIELDS],
  },
});
