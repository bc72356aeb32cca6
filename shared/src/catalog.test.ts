import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, eventCatalog, isEventType, parseEventData, type EventType } from './catalog.js';
import { sampleWebhookBody, toZapRecord } from './envelope.js';
import { ENVELOPE_FIELD_LABELS } from './zap-fields.js';

const leadData = (overrides: Record<string, unknown> = {}) => ({ ...eventCatalog['lead.captured'].sample, ...overrides });
const issuesOf = (type: EventType, data: unknown) => {
  const result = parseEventData(type, data);
  if (result.success) throw new Error(`expected ${type} data to be refused`);
  return result.issues;
};

describe.each(EVENT_TYPES)('catalog entry %s', (type) => {
  const definition = eventCatalog[type];

  it('is keyed by its own type and has a Zapier-safe key', () => {
    expect(definition.type).toBe(type);
    expect(definition.key).toBe(type.replace('.', '_'));
    expect(definition.key).toMatch(/^[a-z_]+$/);
  });

  it('has a title-case label and noun and a "Triggers when … ." description', () => {
    for (const words of [definition.label, definition.noun]) {
      for (const word of words.split(' ')) expect(word).toMatch(/^[A-Z]/);
    }
    expect(definition.description).toMatch(/^Triggers when .+\.$/);
  });

  it('has a sample that its own schema accepts unchanged', () => {
    expect(parseEventData(type, definition.sample)).toEqual({ success: true, data: definition.sample });
  });

  it('labels exactly the keys of the record a Zap sees', () => {
    const keys = Object.keys(toZapRecord(sampleWebhookBody(type)));
    expect(Object.keys(definition.fieldLabels).sort()).toEqual([...keys].sort());
    for (const label of Object.values(definition.fieldLabels)) expect(label).toMatch(/^[A-Z]/);
  });

  it('uses no data key that the envelope keys would hide', () => {
    const dataKeys = Object.keys(definition.data.shape);
    for (const key of Object.keys(ENVELOPE_FIELD_LABELS)) expect(dataKeys).not.toContain(key);
  });

  it('refuses an unknown top-level key, naming it', () => {
    expect(issuesOf(type, { ...definition.sample, surprise: 1 })).toEqual([
      { field: 'data.surprise', message: `is not a field of ${type} data` },
    ]);
  });

  it('names each missing field', () => {
    const issues = issuesOf(type, {});
    // A field with a default (message.sent's text and sender) may be left out.
    const required = Object.entries(definition.data.shape)
      .filter(([, schema]) => !(schema as { safeParse(value: unknown): { success: boolean } }).safeParse(undefined).success)
      .map(([key]) => `data.${key}`);
    expect(issues.map((issue) => issue.field).sort()).toEqual(required.sort());
    for (const issue of issues) expect(issue.message).toBe('is required');
  });
});

describe('isEventType', () => {
  it('accepts the catalog\'s types and nothing else', () => {
    for (const type of EVENT_TYPES) expect(isEventType(type)).toBe(true);
    for (const value of ['lead_captured', 'Lead.Captured', '', null, 42, undefined]) expect(isEventType(value)).toBe(false);
  });
});

describe('parseEventData', () => {
  it('refuses data that is not an object', () => {
    expect(issuesOf('order.lookup', 'x')).toEqual([{ field: 'data', message: 'must be an object with the fields of order.lookup data' }]);
    expect(issuesOf('order.lookup', [])).toHaveLength(1);
  });

  it('accepts a lead with only some fields and fills the others with null', () => {
    const result = parseEventData('lead.captured', leadData({ capturedFields: { email: 'ann@example.org' } }));
    expect(result.success && result.data.capturedFields).toEqual({ email: 'ann@example.org', name: null, phone: null });
  });

  it('refuses a lead without any contact field, an invalid email and an unknown nested key', () => {
    expect(issuesOf('lead.captured', leadData({ capturedFields: {} }))).toEqual([
      { field: 'data.capturedFields', message: 'must contain at least one of email, name or phone' },
    ]);
    expect(issuesOf('lead.captured', leadData({ capturedFields: { email: 'not-an-email' } }))).toEqual([
      { field: 'data.capturedFields.email', message: 'must be a valid email address' },
    ]);
    expect(issuesOf('lead.captured', leadData({ capturedFields: { email: 'a@b.co', mail: 'a@b.co' } }))[0]?.field).toBe(
      'data.capturedFields.mail',
    );
  });

  it('refuses wrong id prefixes, non-UTC dates and scores outside 0–1', () => {
    const sample = eventCatalog['conversation.fallback'].sample;
    const fields = (data: Record<string, unknown>) => issuesOf('conversation.fallback', { ...sample, ...data }).map((i) => i.field);
    expect(fields({ conversationId: 'bot_684adf1c5e9b2a41d07c3e15' })).toEqual(['data.conversationId']);
    expect(fields({ fellBackAt: '2025-06-12T16:03:27+02:00' })).toEqual(['data.fellBackAt']);
    expect(fields({ fellBackAt: 'yesterday' })).toEqual(['data.fellBackAt']);
    expect(fields({ confidenceScore: 1.2 })).toEqual(['data.confidenceScore']);
    expect(fields({ confidenceScore: -0.1 })).toEqual(['data.confidenceScore']);
    expect(fields({ lastMessage: '   ' })).toEqual(['data.lastMessage']);
  });

  it('accepts a message without a confidence score (sent through the API), but not without a channel', () => {
    const sample = eventCatalog['message.sent'].sample;
    expect(parseEventData('message.sent', { ...sample, confidenceScore: null }).success).toBe(true);
    expect(issuesOf('message.sent', { ...sample, channel: 'Web Chat' }).map((issue) => issue.field)).toEqual(['data.channel']);
  });

  it('fills in a bot sender and no text when the bot engine reports neither, and checks a sender it does report', () => {
    const { text: _text, sender: _sender, ...withoutSender } = eventCatalog['message.sent'].sample;
    const parsed = parseEventData('message.sent', withoutSender);
    expect(parsed).toMatchObject({ success: true, data: { text: null, sender: { type: 'bot', apiKeyId: null, viaZapier: false } } });
    const agent = parseEventData('message.sent', { ...withoutSender, sender: { type: 'agent' } });
    expect(agent).toMatchObject({ success: true, data: { sender: { type: 'agent', apiKeyId: null, viaZapier: false } } });
    expect(issuesOf('message.sent', { ...withoutSender, sender: { type: 'visitor' } }).map((issue) => issue.field)).toEqual(['data.sender.type']);
    expect(issuesOf('message.sent', { ...withoutSender, sender: { type: 'api', apiKeyId: 'bot_1' } }).map((issue) => issue.field)).toEqual(['data.sender.apiKeyId']);
  });
});
