import { z } from 'zod';
import { EVENT_TYPES, SAMPLE_TIME, eventCatalog, type EventType } from './catalog.js';
import { prefixedId, utcTimestamp } from './fields.js';
import { ENVELOPE_FIELD_LABELS, flattenForZap } from './zap-fields.js';

/** The Standard Webhooks body: identical in deliveries, trigger samples and `GET /events`. */
export interface WebhookBody<D = Record<string, unknown>> {
  id: string;
  type: EventType;
  timestamp: string;
  workspaceId: string;
  test: boolean;
  data: D;
}

/**
 * Checks the envelope only. `data` is any object: receivers should accept fields added
 * to an event type later; the server validates `data` against the catalog at ingestion.
 */
export const WebhookBodySchema: z.ZodType<WebhookBody> = z.object({
  id: prefixedId('evt'),
  type: z.enum(EVENT_TYPES),
  timestamp: utcTimestamp(),
  workspaceId: prefixedId('ws'),
  test: z.boolean(),
  data: z.record(z.string(), z.unknown()),
});

/** Event ids of the samples: one fixed id per type, in catalog order. */
const sampleEventId = (type: EventType) => `evt_sample${EVENT_TYPES.indexOf(type) + 1}`;

/**
 * The sample body of `type`, the same on every call: a fixed `evt_sample<n>` id, the
 * fixed SAMPLE_TIME, workspace `ws_sample`, and `test: true` because it is not a real
 * event (the server may replace `workspaceId` with the caller's workspace).
 */
export function sampleWebhookBody(type: EventType): WebhookBody {
  return {
    id: sampleEventId(type),
    type,
    timestamp: SAMPLE_TIME,
    workspaceId: 'ws_sample',
    test: true,
    data: structuredClone(eventCatalog[type].sample),
  };
}

/**
 * The ONE function that turns a webhook body into the flat record a Zap sees: the event
 * id as `id` (Zapier deduplicates on it), `eventType`, `timestamp`, `workspaceId`,
 * `test`, then `data` flattened (`capturedFields.email` → `capturedFields__email`).
 * Envelope keys win over a data key of the same name; the catalog has none.
 */
export function toZapRecord(body: WebhookBody): Record<string, unknown> {
  const record: Record<string, unknown> = {
    id: body.id,
    eventType: body.type,
    timestamp: body.timestamp,
    workspaceId: body.workspaceId,
    test: body.test,
  } satisfies Record<keyof typeof ENVELOPE_FIELD_LABELS, unknown>;
  for (const [key, value] of Object.entries(flattenForZap(body.data))) {
    if (!Object.hasOwn(record, key)) record[key] = value;
  }
  return record;
}
