import type { EventType, HookOut } from '@nebulahex/shared';
import type { HookDoc } from './model.js';
import type { HookStats } from './stats.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A subscription as the API shows it: never its secrets. */
export function presentHook(hook: HookDoc, stats: HookStats): HookOut {
  return {
    id: hook._id,
    hookId: hook._id,
    event: hook.event as EventType,
    targetUrl: hook.targetUrl,
    botId: hook.botId,
    status: hook.status,
    pausedReason: hook.pausedReason,
    pausedAt: iso(hook.pausedAt),
    ...stats,
    lastSuccessAt: iso(hook.lastSuccessAt),
    lastFailureAt: iso(hook.lastFailureAt),
    createdAt: hook.createdAt.toISOString(),
  };
}
