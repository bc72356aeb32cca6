import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, eventCatalog } from './catalog.js';
import { WebhookBodySchema, sampleWebhookBody, toZapRecord, type WebhookBody } from './envelope.js';

describe('sampleWebhookBody', () => {
  it('is deterministic, valid and marked as a test event', () => {
    for (const type of EVENT_TYPES) {
      const body = sampleWebhookBody(type);
      expect(sampleWebhookBody(type)).toEqual(body);
      expect(WebhookBodySchema.safeParse(body).success).toBe(true);
      expect(body).toMatchObject({ type, test: true, workspaceId: 'ws_sample', data: eventCatalog[type].sample });
    }
  });

  it('gives every type its own event id', () => {
    const ids = EVENT_TYPES.map((type) => sampleWebhookBody(type).id);
    expect(new Set(ids).size).toBe(EVENT_TYPES.length);
  });

  it('hands out a copy, so callers cannot change the catalog', () => {
    const body = sampleWebhookBody('lead.captured');
    (body.data.capturedFields as Record<string, unknown>).email = 'changed@example.com';
    expect(sampleWebhookBody('lead.captured').data).toEqual(eventCatalog['lead.captured'].sample);
  });
});

describe('WebhookBodySchema', () => {
  const body = (): Record<string, unknown> => ({ ...sampleWebhookBody('order.lookup') });

  it('refuses an unknown type, a bad id and a missing field', () => {
    expect(WebhookBodySchema.safeParse({ ...body(), type: 'order.created' }).success).toBe(false);
    expect(WebhookBodySchema.safeParse({ ...body(), id: 'dlv_1' }).success).toBe(false);
    const { test: _omitted, ...withoutTest } = body();
    expect(WebhookBodySchema.safeParse(withoutTest).success).toBe(false);
  });

  it('accepts data fields it does not know, for receivers built before they were added', () => {
    const parsed = WebhookBodySchema.parse({ ...body(), data: { orderId: '#1', addedLater: true } });
    expect(parsed.data).toEqual({ orderId: '#1', addedLater: true });
  });
});

describe('toZapRecord', () => {
  it('puts the event id first and flattens nested data the way Zapier does', () => {
    const record = toZapRecord(sampleWebhookBody('lead.captured'));
    expect(Object.keys(record).slice(0, 5)).toEqual(['id', 'eventType', 'timestamp', 'workspaceId', 'test']);
    expect(record).toMatchObject({
      id: 'evt_sample2',
      eventType: 'lead.captured',
      capturedFields__email: 'maria.keller@example.com',
      capturedFields__phone: '+49 30 901820',
    });
    expect(record).not.toHaveProperty('capturedFields');
    expect(record).not.toHaveProperty('data');
  });

  it('keeps nulls and arrays, and never lets data overwrite the envelope', () => {
    const body: WebhookBody = {
      ...sampleWebhookBody('lead.captured'),
      data: { id: 'hijack', toString: 'kept', capturedFields: { email: null }, tags: ['a', 'b'] },
    };
    const record = toZapRecord(body);
    expect(record.id).toBe('evt_sample2');
    expect(record).toMatchObject({ toString: 'kept', capturedFields__email: null, tags: ['a', 'b'] });
  });
});
