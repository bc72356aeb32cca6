import type { EventType, HookOut } from '@nebulahex/shared';
import { eventsOf, type HookDoc } from './model.js';
import type { HookStats } from './stats.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A subscription as the API shows it: never its secrets, custom headers only masked. */
export function presentHook(hook: HookDoc, stats: HookStats): HookOut {
  return {
    id: hook._id,
    hookId: hook._id,
    event: hook.event as EventType,
    events: eventsOf(hook) as EventType[],
    targetUrl: hook.targetUrl,
    description: hook.description ?? '',
    headers: hook.maskedHeaders ?? {},
    botId: hook.botId,
    maxConcurrency: hook.maxConcurrency ?? null,
    status: hook.status,
    pausedReason: hook.pausedReason,
    pausedAt: iso(hook.pausedAt),
    ...stats,
    lastSuccessAt: iso(hook.lastSuccessAt),
    lastFailureAt: iso(hook.lastFailureAt),
    createdAt: hook.createdAt.toISOString(),
  };
}
