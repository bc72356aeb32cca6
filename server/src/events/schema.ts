import { EVENT_TYPES } from '@nebulahex/shared';
import { z } from 'zod';

export const IngestEventIn = z
  .object({
    workspaceId: z.string().min(1),
    type: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
    id: z
      .string()
      .regex(/^evt_[A-Za-z0-9_-]{1,64}$/, 'must look like evt_<letters, digits, _ or ->')
      .optional(),
  })
  .meta({ id: 'IngestEventIn' });
export type IngestEventIn = z.infer<typeof IngestEventIn>;

export const IngestedEventOut = z.object({ id: z.string() }).meta({ id: 'IngestedEvent' });

export const EventListQuery = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  botId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const WebhookBodyOut = z
  .object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    timestamp: z.string(),
    workspaceId: z.string(),
    test: z.boolean(),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'WebhookBody' });
export const EventListOut = z.object({ events: z.array(WebhookBodyOut) }).meta({ id: 'EventList' });
export const SamplesQuery = z.object({ event: z.enum(EVENT_TYPES).optional() });
export const SamplesOut = z.object({ samples: z.record(z.string(), WebhookBodyOut) }).meta({ id: 'Samples' });
