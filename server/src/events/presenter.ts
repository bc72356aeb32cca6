import type { WebhookBody } from '@nebulahex/shared';
import type { EventDoc } from './model.js';

/** The Standard Webhooks envelope: the same in deliveries, samples and GET /events. */
export function presentEvent(event: EventDoc): WebhookBody {
  return {
    id: event._id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    workspaceId: event.workspaceId,
    test: event.test,
    data: event.data,
  } as WebhookBody;
}
