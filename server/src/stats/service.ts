import type { HookStatsOut, OverviewStatsOut, StatsRange } from '@nebulahex/shared';
import type { Connection, PipelineStage } from 'mongoose';
import { deliveryModel } from '../deliveries/model.js';
import { hoursBetween, summarize, type StatusGroup } from './aggregate.js';

const RANGE_HOURS: Record<StatsRange, number> = { '24h': 24, '7d': 168 };
const HOUR_FORMAT = '%Y-%m-%dT%H:00:00.000Z';

type Keyed = StatusGroup & { key: string };
interface Grouped {
  _id: { key: string; status: string; ms: number | null };
  count: number;
}

/**
 * Delivery statistics, one aggregation per answer (never a query per endpoint or
 * delivery): deliveries grouped by key, status and last response time, which makes a
 * histogram the percentiles are read from.
 */
export function createStatsService(connection: Connection) {
  const Deliveries = deliveryModel(connection);

  const grouped = async (match: Record<string, unknown>, key: unknown): Promise<Keyed[]> => {
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $group: { _id: { key, status: '$status', ms: '$lastDurationMs' }, count: { $sum: 1 } } },
    ];
    const rows = await Deliveries.aggregate<Grouped>(pipeline);
    return rows.map((row) => ({ key: row._id.key, status: row._id.status, ms: row._id.ms ?? null, count: row.count }));
  };

  const hourly = (match: Record<string, unknown>): Promise<Keyed[]> => grouped(match, { $dateToString: { format: HOUR_FORMAT, date: '$createdAt' } });

  const byKey = (rows: Keyed[]): Map<string, Keyed[]> => {
    const groups = new Map<string, Keyed[]>();
    for (const row of rows) groups.set(row.key, [...(groups.get(row.key) ?? []), row]);
    return groups;
  };

  return {
    /** One endpoint's deliveries per hour (by creation), every hour of the range present. */
    async hook(hookId: string, range: StatsRange, now = new Date()): Promise<HookStatsOut> {
      const since = new Date(now.getTime() - RANGE_HOURS[range] * 3_600_000);
      const rows = await hourly({ subscriptionId: hookId, createdAt: { $gte: since } });
      const groups = byKey(rows);
      return {
        hookId,
        range,
        since: since.toISOString(),
        totals: summarize(rows),
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
      return { since: since.toISOString(), totals: summarize(rows), endpoints };
    },
  };
}
