import { EVENT_TYPES } from '@nebulahex/shared';
import { z } from 'zod';
import { HOOK_STATUSES } from './model.js';

export const CreateHookIn = z
  .object({
    event: z.enum(EVENT_TYPES),
    targetUrl: z.url({ protocol: /^https?$/ }).max(2048),
    botId: z.string().regex(/^bot_[0-9a-f]{24}$/, 'must be a bot id (bot_…)').nullish(),
  })
  .meta({ id: 'CreateHookIn' });
export type CreateHookIn = z.infer<typeof CreateHookIn>;

export const HookOut = z
  .object({
    id: z.string().meta({ example: 'hook_665f1c2e9b1e8a0012345678' }),
    /** The same id under the name Zapier's REST hooks keep in subscribeData. */
    hookId: z.string(),
    event: z.enum(EVENT_TYPES),
    targetUrl: z.string(),
    botId: z.string().nullable(),
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
