import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { EVENT_TYPES, eventCatalog, sampleWebhookBody, SIGNATURE_TOLERANCE_SECONDS, type EventDefinition } from '@nebulahex/shared';
import { z } from 'zod';
import type { RuntimeConfig } from '../config.js';

/*
 * The OpenAPI 3.1 `webhooks` of the public document: one entry per event type of the shared
 * catalog, with the body a receiver gets, the headers of every attempt, how to verify the
 * signature and what the platform does with each answer.
 */

export type WebhookPolicyConfig = Pick<RuntimeConfig, 'WEBHOOK_RETRY_SCHEDULE' | 'WEBHOOK_RETRY_JITTER' | 'WEBHOOK_TIMEOUT_MS' | 'WEBHOOK_MAX_RETRY_AFTER_SECONDS'>;

const pascal = (key: string) => key.replace(/(^|_)([a-z])/g, (_match, _sep: string, letter: string) => letter.toUpperCase());

/** The Standard Webhooks envelope with `data` of one event type. Built once: schema ids are global. */
const envelopeOf = (definition: EventDefinition) =>
  z
    .object({
      id: z.string().meta({ description: 'The event id: the same in every attempt and replay, and equal to `webhook-id`. Deduplicate on it.' }),
      type: z.literal(definition.type),
      timestamp: z.iso.datetime().meta({ description: 'When the event happened (ISO 8601, UTC).' }),
      workspaceId: z.string().meta({ description: 'Your workspace (`ws_…`).' }),
      test: z.boolean().meta({ description: 'True for a test delivery (`POST /hooks/{id}/test`) carrying sample data.' }),
      // Documented open: fields may be added to an event type later, and receivers should ignore what they do not know.
      data: definition.data.loose().meta({ id: `${pascal(definition.key)}Data`, description: `The \`${definition.type}\` data. Fields may be added later: ignore the ones you do not know.` }),
    })
    .meta({ id: `${pascal(definition.key)}Webhook`, description: `The body of a \`${definition.type}\` delivery.` });

const ENVELOPES = Object.fromEntries(EVENT_TYPES.map((type) => [type, envelopeOf(eventCatalog[type])]));

const WebhookHeaders = z.object({
  'webhook-id': z.string().meta({ description: 'The event id (`evt_…`), stable across attempts and replays.' }),
  'webhook-timestamp': z.string().meta({ description: 'Unix seconds when this attempt was signed.' }),
  'webhook-signature': z.string().meta({
    description: 'Space-separated `v1,<base64 HMAC-SHA256>` entries of `<webhook-id>.<webhook-timestamp>.<raw body>`, one per active signing secret (two during a rotation).',
  }),
  'X-NebulaHex-Event': z.enum(EVENT_TYPES).meta({ description: 'The event type.' }),
  'X-NebulaHex-Hook-Id': z.string().meta({ description: 'The subscription (`hook_…`).' }),
  'X-NebulaHex-Delivery-Id': z.string().meta({ description: 'The delivery (`dlv_…`): one per event and subscription.' }),
  'X-NebulaHex-Attempt': z.string().meta({ description: 'The attempt number, from 1.' }),
  'X-NebulaHex-Timestamp': z.string().meta({ description: 'Unix seconds, as `webhook-timestamp`.' }),
  'X-NebulaHex-Signature': z.string().meta({ description: 'Space-separated `sha256=<hex HMAC-SHA256>` entries of `<timestamp>.<raw body>`: the older scheme, for receivers without a Standard Webhooks library.' }),
});

/** 30 → "30 s", 120 → "2 min", 21600 → "6 h". */
function duration(seconds: number): string {
  const [amount, unit] = seconds < 60 ? [seconds, 's'] : seconds < 3600 ? [seconds / 60, 'min'] : [seconds / 3600, 'h'];
  return `${Number(amount.toFixed(2))} ${unit}`;
}

/** How deliveries are signed and retried, in Markdown, from the running configuration. */
export function describeWebhookPolicy(config: WebhookPolicyConfig): string {
  const delays = config.WEBHOOK_RETRY_SCHEDULE.map(duration).join(', ');
  return [
    '## Webhooks',
    'Each subscription receives a `POST` with a JSON body (see **Webhooks** below, one per event type) and these headers.',
    `**Verifying.** The signing secret (\`whsec_…\`, shown once when you subscribe) is base64 after \`whsec_\`; decode it and compute HMAC-SHA256 of \`<webhook-id>.<webhook-timestamp>.<raw body>\`. The delivery is genuine when \`v1,<base64 of that HMAC>\` is one of the space-separated entries of \`webhook-signature\` (compare in constant time) and \`webhook-timestamp\` is within ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes of your clock. Any [Standard Webhooks](https://www.standardwebhooks.com) library does all of this (\`standardwebhooks\` on npm and PyPI). Verify the raw bytes, before parsing the JSON.`,
    `**Answering.** Any 2xx acknowledges the delivery; answer within ${duration(config.WEBHOOK_TIMEOUT_MS / 1000)}. \`410 Gone\` deletes the subscription. Anything else — another status, a redirect (never followed), a network error or a timeout — is a failed attempt.`,
    `**Retries.** The first attempt is made at once; after a failed attempt the next comes after ${delays} (each ±${Math.round(config.WEBHOOK_RETRY_JITTER * 100)} %), or later when your \`Retry-After\` asks for it (up to ${duration(config.WEBHOOK_MAX_RETRY_AFTER_SECONDS)}). After the last, the delivery is \`failed\`: replay it, or recover every failed delivery since a time. Delivery is at least once: deduplicate on \`webhook-id\`.`,
  ].join('\n\n');
}

/** Registers one OpenAPI webhook per event type of the catalog on `registry`. */
export function documentWebhooks(registry: OpenAPIRegistry, config: WebhookPolicyConfig): void {
  for (const type of EVENT_TYPES) {
    const definition = eventCatalog[type];
    registry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['Webhooks'],
      summary: `${definition.label} (\`${type}\`)`,
      description: `${definition.description.replace(/^Triggers when/, 'Sent when')} Retried up to ${config.WEBHOOK_RETRY_SCHEDULE.length} times; see *Webhooks* in the description above for verifying and retries.`,
      request: {
        headers: WebhookHeaders,
        body: { required: true, content: { 'application/json': { schema: ENVELOPES[type]!, example: sampleWebhookBody(type) } } },
      },
      responses: {
        200: { description: 'Any 2xx: delivered.' },
        410: { description: 'Gone: the subscription is deleted and nothing more is sent to it.' },
        default: { description: 'Anything else (or no answer in time): a failed attempt, retried on the schedule.' },
      },
    });
  }
}
