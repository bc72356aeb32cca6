import { EVENT_TYPES } from '@nebulahex/shared';
import { z } from 'zod';
import { PageQuery } from '../db/paginate.js';
import { DELIVERY_STATUSES } from './model.js';

export const DeliveryListQuery = PageQuery.extend({ status: z.enum(DELIVERY_STATUSES).optional() });
export const RecoverIn = z.object({ since: z.iso.datetime({ offset: true }) }).meta({ id: 'RecoverIn' });
export type RecoverIn = z.infer<typeof RecoverIn>;

export const AttemptOut = z
  .object({
    number: z.number().int(),
    startedAt: z.string(),
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    responseExcerpt: z.string(),
    outcome: z.string(),
  })
  .meta({ id: 'Attempt' });

export const DeliveryOut = z
  .object({
    id: z.string().meta({ example: 'dlv_665f1c2e9b1e8a0012345678' }),
    eventId: z.string(),
    hookId: z.string(),
    eventType: z.enum(EVENT_TYPES),
    status: z.enum(DELIVERY_STATUSES),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastDurationMs: z.number().int().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });
export type DeliveryOut = z.infer<typeof DeliveryOut>;

export const DeliveryDetailOut = DeliveryOut.extend({
  attempts: z.array(AttemptOut),
  request: z
    .object({ headers: z.record(z.string(), z.string()), body: z.string() })
    .nullable()
    .optional()
    .meta({ description: 'What is sent: the body as signed, headers with per-attempt values named and custom headers masked; null once the event or endpoint is gone.' }),
}).meta({ id: 'DeliveryDetail' });
export type DeliveryDetailOut = z.infer<typeof DeliveryDetailOut>;
export const DeliveryListOut = z.object({ deliveries: z.array(DeliveryOut), nextCursor: z.string().nullable() }).meta({ id: 'DeliveryList' });
export const QueuedOut = z.object({ queued: z.number().int() }).meta({ id: 'Queued' });
