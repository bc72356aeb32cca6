import type { EventPublisher } from '../events/publisher.js';
import type { HookDoc } from './model.js';

/**
 * Emits the operational event `endpoint.paused` to the workspace's endpoints that
 * subscribe to it (the paused one holds its copy until it is resumed).
 */
export async function announcePause(events: EventPublisher, hook: Pick<HookDoc, '_id' | 'workspaceId' | 'targetUrl'>, reason: string, pausedAt: Date): Promise<void> {
  await events.publish({
    workspaceId: hook.workspaceId,
    type: 'endpoint.paused',
    data: { endpointId: hook._id, targetUrl: hook.targetUrl, reason, pausedAt: pausedAt.toISOString() },
  });
}
