import type { HookStatsOut, OverviewStatsOut, StatsRange } from '@nebulahex/shared';
import type { Connection, PipelineStage } from 'mongoose';
import { deliveryModel } from '../deliveries/model.js';
import { hoursBetween, summarize, type StatusGroup } from './aggregate.js';

const RANGE_HOURS: Record<StatsRange, number> = { '24h': 24, '7d': 168 };
const HOUR_FORMAT = '%Y-%m-%dT%H:00:00.000Z';

interface Grouped {
  _id: { key: string; status: string };
  count: number;
  durations: Array<number | null>;
}

/** Delivery statistics computed by the database (one aggregation per answer, never per endpoint). */
export function createStatsService(connection: Connection) {
  const Deliveries = deliveryModel(connection);

  /** Counts and response times grouped by `key` (an expression) and status. */
  const grouped = (match: Record<string, unknown>, key: unknown): Promise<Grouped[]> => {
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $group: { _id: { key, status: '$status' }, count: { $sum: 1 }, durations: { $push: '$lastDurationMs' } } },
    ];
    return Deliveries.aggregate<Grouped>(pipeline);
  };

  const byKey = (rows: Grouped[]): Map<string, StatusGroup[]> => {
    const groups = new Map<string, StatusGroup[]>();
    for (const row of rows) {
      const list = groups.get(row._id.key) ?? [];
      list.push({ status: row._id.status, count: row.count, durations: row.durations });
      groups.set(row._id.key, list);
    }
    return groups;
  };

  return {
    /** One endpoint's deliveries per hour (by creation), every hour of the range present. */
    async hook(hookId: string, range: StatsRange, now = new Date()): Promise<HookStatsOut> {
      const since = new Date(now.getTime() - RANGE_HOURS[range] * 3_600_000);
      const rows = await grouped({ subscriptionId: hookId, createdAt: { $gte: since } }, { $dateToString: { format: HOUR_FORMAT, date: '$createdAt' } });
      const groups = byKey(rows);
      return {
        hookId,
        range,
        since: since.toISOString(),
        totals: summarize(rows.map((row) => ({ status: row._id.status, count: row.count, durations: row.durations }))),
        buckets: hoursBetween(since, now).map((hour) => ({ hour, ...summarize(groups.get(hour) ?? []) })),
      };
    },

    /** The workspace's last 24 h, in total and per endpoint. */
    async overview(workspaceId: string, now = new Date()): Promise<OverviewStatsOut> {
      const since = new Date(now.getTime() - 24 * 3_600_000);
      const rows = await grouped({ workspaceId, createdAt: { $gte: since } }, '$subscriptionId');
      const endpoints = [...byKey(rows)].map(([hookId, groups]) => {
        const { p50Ms: _p50, p95Ms: _p95, ...counts } = summarize(groups);
        return { hookId, ...counts };
      });
      return { since: since.toISOString(), totals: summarize(rows.map((row) => ({ status: row._id.status, count: row.count, durations: row.durations }))), endpoints };
    },
  };
}
