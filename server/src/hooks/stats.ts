import type { Connection } from 'mongoose';
import { deliveryModel } from '../deliveries/model.js';
import type { HookDoc } from './model.js';

export interface HookStats {
  /** Deliveries that ended failed since the last success (or resume). */
  consecutiveFailures: number;
  totalDelivered: number;
  totalFailed: number;
}

/**
 * Counts a subscription's outcomes from its deliveries (within the retention). Counting
 * rather than keeping $inc counters beside them leaves one source of truth: replays,
 * recoveries, resumes and retention never have to correct a counter. Each count is served
 * by the {subscriptionId, status} index.
 */
export async function hookStats(connection: Connection, hook: Pick<HookDoc, '_id' | 'lastSuccessAt' | 'failuresCountedFrom'>): Promise<HookStats> {
  const Deliveries = deliveryModel(connection);
  const from = hook.lastSuccessAt && hook.lastSuccessAt > hook.failuresCountedFrom ? hook.lastSuccessAt : hook.failuresCountedFrom;
  const [consecutiveFailures, totalDelivered, totalFailed] = await Promise.all([
    Deliveries.countDocuments({ subscriptionId: hook._id, status: 'failed', completedAt: { $gt: from } }),
    Deliveries.countDocuments({ subscriptionId: hook._id, status: 'succeeded' }),
    Deliveries.countDocuments({ subscriptionId: hook._id, status: 'failed' }),
  ]);
  return { consecutiveFailures, totalDelivered, totalFailed };
}
