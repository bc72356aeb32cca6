import { eventCatalog, sampleWebhookBody, toZapRecord, type EventType, type WebhookBody } from '@nebulahex/shared';
import { conversationUrl } from './client.js';

/*
 * The record a Zap sees for an event: the shared `toZapRecord()` (envelope + flattened data),
 * plus what a Zap builder should not have to compute — a link to the conversation and the lead's
 * name split in two. perform, performList, the polling twins and the static sample all use it.
 */

type ZapRecord = Record<string, unknown> & { id: string };

const EXTRA_LABELS = {
  conversationUrl: 'Conversation Link',
  capturedFields__firstName: 'Lead First Name',
  capturedFields__lastName: 'Lead Last Name',
} as const;

/**
 * The fields most Zaps map, listed first. (Schema 19's output fields have no `important` flag —
 * `additionalProperties: false` makes `validate` refuse one — so order is how they stand out.)
 */
const IMPORTANT = new Set([
  'conversationId', 'botName', 'conversationUrl', 'text', 'reason', 'transcript', 'lastMessage', 'orderId',
  'capturedFields__email', 'capturedFields__name', 'capturedFields__firstName', 'capturedFields__phone',
]);

/**
 * "Maria Keller" → Maria / Keller; "Anna de la Cruz" → Anna / de la Cruz; one word is a first name.
 * A heuristic, as every name split is; the full name stays in its own field.
 */
export function splitName(name: unknown): { firstName: string | null; lastName: string | null } {
  if (typeof name !== 'string' || name.trim() === '') return { firstName: null, lastName: null };
  const [first = '', ...rest] = name.trim().split(/\s+/);
  return { firstName: first, lastName: rest.length > 0 ? rest.join(' ') : null };
}

/** The record of one webhook body. */
export function toRecord(body: WebhookBody): ZapRecord {
  const record: ZapRecord = { ...toZapRecord(body), id: body.id };
  if (typeof record.conversationId === 'string') record.conversationUrl = conversationUrl(record.conversationId);
  if ('capturedFields__name' in record) {
    const { firstName, lastName } = splitName(record.capturedFields__name);
    record.capturedFields__firstName = firstName;
    record.capturedFields__lastName = lastName;
  }
  return record;
}

/** The static sample of a type, through the same function. */
export const sampleRecord = (type: EventType): ZapRecord => toRecord(sampleWebhookBody(type));

/**
 * What the Zap editor shows when the account has no event of this type yet: the sample, plainly
 * marked as one — `test: true`, ids ending in `_sample`, and the bot named "Sample Bot" — so
 * nobody mistakes it for (or maps it as) a real record.
 */
export function placeholderRecord(type: EventType): ZapRecord {
  const body = sampleWebhookBody(type);
  const data = Object.fromEntries(
    Object.entries(body.data).map(([key, value]) => [key, key.endsWith('Id') && typeof value === 'string' ? value.replace(/_.*$/, '_sample') : value]),
  );
  return toRecord({ ...body, test: true, data: { ...data, botName: 'Sample Bot (no real events yet)' } });
}

function fieldType(key: string, value: unknown): 'boolean' | 'number' | 'datetime' | 'string' {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  return /(At|^timestamp)$/.test(key) ? 'datetime' : 'string';
}

/** A label and type for every key of the records of `type`, the fields most Zaps map first. */
export function outputFieldsOf(type: EventType) {
  const sample = sampleRecord(type);
  const labels: Record<string, string> = { ...eventCatalog[type].fieldLabels, ...EXTRA_LABELS };
  const keys = Object.keys(sample);
  return [...keys.filter((key) => IMPORTANT.has(key)), ...keys.filter((key) => !IMPORTANT.has(key))].map((key) => ({
    key,
    label: labels[key] ?? key,
    type: fieldType(key, sample[key]),
  }));
}
