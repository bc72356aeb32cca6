import {
  defineCreate,
  defineInputFields,
  type CreatePerform,
  type InferInputData,
} from 'zapier-platform-core';
import type { CapturedLeadOut, CaptureLeadIn } from '@nebulahex/shared';
import { apiRequest, conversationUrl, isReplayed } from '../client.js';
import { botFilterField, conversationField } from '../fields.js';
import { REPLAY_OUTPUT_FIELD, deduplicationKeyField, idempotencyKeyFor } from '../idempotency.js';
import { splitName } from '../records.js';
import { LEAD_OUTPUT_FIELDS, LEAD_SAMPLE } from '../searches/findLead.js';

const inputFields = defineInputFields([
  botFilterField('Only list conversations of this bot in the Conversation dropdown. Optional.'),
  conversationField,
  { key: 'email', label: 'Email', type: 'string', required: false, helpText: "The lead's email address. Fill at least one of Email, Name or Phone." },
  { key: 'name', label: 'Name', type: 'string', required: false, helpText: "The lead's full name, e.g. Maria Keller." },
  { key: 'phone', label: 'Phone', type: 'string', required: false, helpText: 'With the country code, e.g. +49 30 901820.' },
  deduplicationKeyField,
]);

const present = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : null);

const perform = (async (z, bundle) => {
  const { conversationId, email, name, phone } = bundle.inputData;
  const body = { conversationId, email: present(email), name: present(name), phone: present(phone) } satisfies CaptureLeadIn;
  if (body.email === null && body.name === null && body.phone === null) {
    throw new z.errors.HaltedError('Capture Lead needs at least one of Email, Name or Phone. Map one of them from an earlier step, then try again.');
  }
  const response = await apiRequest<CapturedLeadOut>(z, {
    method: 'POST',
    path: '/actions/capture-lead',
    body,
    idempotencyKey: idempotencyKeyFor(bundle, 'capture_lead', body),
    subject: { noun: 'conversation', id: conversationId, fieldLabels: { conversationId: 'Conversation', email: 'Email', name: 'Name', phone: 'Phone' } },
  });
  const lead = response.data;
  return {
    id: lead.leadId,
    leadId: lead.leadId,
    conversationId: lead.conversationId,
    botId: lead.botId,
    ...lead.capturedFields,
    ...splitName(lead.capturedFields.name),
    capturedAt: lead.capturedAt,
    conversationUrl: conversationUrl(lead.conversationId),
    isRepeat: isReplayed(response),
  };
}) satisfies CreatePerform<InferInputData<typeof inputFields>>;

export default defineCreate({
  key: 'capture_lead',
  noun: 'Lead',
  display: {
    label: 'Capture Lead',
    description: "Stores a lead's contact details on a conversation, as if your bot had captured them, and triggers New Lead.",
  },
  operation: {
    perform,
    inputFields,
    sample: { ...LEAD_SAMPLE, isRepeat: false },
    outputFields: [...LEAD_OUTPUT_FIELDS, REPLAY_OUTPUT_FIELD],
  },
});
