import { EVENT_TYPES } from '@nebulahex/shared';
import { z } from 'zod';
import { HeaderName, HeaderValue, MAX_HEADERS } from './headers.js';
import { HOOK_STATUSES } from './model.js';

const EventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'must name at least one event type')
  .max(EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'must not name an event type twice')
  .meta({ description: 'The endpoint receives an event of any of these types.' });
const TargetUrl = z.url({ protocol: /^https?$/ }).max(2048);
const BotId = z.string().regex(/^bot_[0-9a-f]{24}$/, 'must be a bot id (bot_…)');
const Description = z.string().trim().max(500).meta({ description: 'What the endpoint is for, for people.' });
const tooMany = { error: `at most ${MAX_HEADERS} headers` };
export const MAX_CONCURRENCY = 100;
const MaxConcurrency = z
  .int()
  .min(1)
  .max(MAX_CONCURRENCY)
  .meta({
    description:
      'Deliveries sent to this endpoint at once, per worker process (with N worker processes the endpoint sees at most N × this). null or absent: the server\'s default (`WEBHOOK_ENDPOINT_CONCURRENCY`, 20 unless the operator changed it).',
  });
const Headers = z
  .record(HeaderName, HeaderValue)
  .refine((headers) => Object.keys(headers).length <= MAX_HEADERS, tooMany)
  .meta({ description: 'Extra headers sent with every delivery (e.g. `Authorization`), stored encrypted and shown only masked.' });

export const CreateHookIn = z
  .object({
    event: z.enum(EVENT_TYPES).optional().meta({ description: 'One event type (REST hooks); or give `events`.' }),
    events: EventTypes.optional(),
    targetUrl: TargetUrl,
    botId: BotId.nullish(),
    description: Description.optional(),
    headers: Headers.optional(),
    maxConcurrency: MaxConcurrency.nullish(),
  })
  .refine((input) => input.event !== undefined || input.events !== undefined, { path: ['event'], error: 'is required (or give events)' })
  .meta({ id: 'CreateHookIn' });
export type CreateHookIn = z.infer<typeof CreateHookIn>;

export const UpdateHookIn = z
  .strictObject({
    targetUrl: TargetUrl.optional(),
    description: Description.optional(),
    events: EventTypes.optional(),
    botId: BotId.nullable().optional(),
    maxConcurrency: MaxConcurrency.nullable().optional(),
    paused: z.boolean().optional().meta({ description: '`true` pauses the endpoint (new deliveries are held); `false` resumes it and sends what was held.' }),
    headers: z
      .record(HeaderName, HeaderValue.nullable())
      .refine((headers) => Object.keys(headers).length <= MAX_HEADERS, tooMany)
      .optional()
      .meta({ description: 'Header name → new value, or null to remove it; headers not named are kept.' }),
  })
  .refine((input) => Object.keys(input).length > 0, { error: 'name at least one field to change' })
  .meta({ id: 'UpdateHookIn' });
export type UpdateHookIn = z.infer<typeof UpdateHookIn>;

export const HookOut = z
  .object({
    id: z.string().meta({ example: 'hook_665f1c2e9b1e8a0012345678' }),
    /** The same id under the name Zapier's REST hooks keep in subscribeData. */
    hookId: z.string(),
    event: z.enum(EVENT_TYPES).meta({ description: 'The first of `events`.' }),
    events: z.array(z.enum(EVENT_TYPES)),
    targetUrl: z.string(),
    description: z.string(),
    headers: z.record(z.string(), z.string()).meta({ description: 'Custom header names, values masked.', example: { Authorization: 'Bear••••' } }),
    botId: z.string().nullable(),
    maxConcurrency: z.int().nullable().meta({ description: 'Deliveries sent at once per worker process; null: the server\'s default.' }),
    status: z.enum(HOOK_STATUSES),
    pausedReason: z.string().nullable(),
    pausedAt: z.string().nullable(),
    consecutiveFailures: z.number().int(),
    totalDelivered: z.number().int(),
    totalFailed: z.number().int(),
    lastSuccessAt: z.string().nullable(),
    lastFailureAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Hook' });
export type HookOut = z.infer<typeof HookOut>;

export const CreatedHookOut = HookOut.extend({ signingSecret: z.string().meta({ example: 'whsec_…' }) }).meta({ id: 'CreatedHook' });
export const HookListOut = z.object({ hooks: z.array(HookOut), nextCursor: z.string().nullable() }).meta({ id: 'HookList' });
export const SigningSecretOut = z.object({ signingSecret: z.string() }).meta({ id: 'SigningSecret' });
export const HookTestOut = z.object({ eventId: z.string(), deliveryId: z.string().nullable() }).meta({ id: 'HookTest' });
export const HookListQuery = z.object({ event: z.enum(EVENT_TYPES).optional(), botId: z.string().optional() });
