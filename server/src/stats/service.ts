import type { HookStatsOut, OverviewStatsOut, StatsRange } from '@nebulahex/shared';
import type { Connection, PipelineStage } from 'mongoose';
import { deliveryModel } from '../deliveries/model.js';
import { hoursBetween, summarize, type StatusGroup } from './aggregate.js';

const RANGE_HOURS: Record<StatsRange, number> = { '24h': 24, '7d': 168 };
const sinceEpoch = { $subtract: ['$createdAt', new Date(0)] };
const HOUR_START = { $subtract: [sinceEpoch, { $mod: [sinceEpoch, 3_600_000] }] };

type Keyed = StatusGroup & { key: string };
interface Grouped {
  _id: { key: string | number; status: string };
  count: number;
  durations: Array<number | null>;
}

/**
 * Delivery statistics, one aggregation per answer (never a query per endpoint or
 * delivery): deliveries grouped by key and status, with their last response times pushed
 * into each group for the percentiles. (Grouping by the response time as well made nearly
 * every delivery a group of its own: the 7-day chart over 10,000 deliveries took ~360 ms
 * on the embedded database; `node bench/stats.mjs`.)
 */
export function createStatsService(connection: Connection) {
  const Deliveries = deliveryModel(connection);

  const grouped = async (match: Record<string, unknown>, key: unknown): Promise<Keyed[]> => {
    const pipeline: PipelineStage[] = [
      { $match: match },
      { $group: { _id: { key, status: '$status' }, count: { $sum: 1 }, durations: { $push: '$lastDurationMs' } } },
    ];
    const rows = await Deliveries.aggregate<Grouped>(pipeline);
    return rows.map((row) => ({
      key: String(row._id.key),
      status: row._id.status,
      count: row.count,
      durations: row.durations.filter((ms): ms is number => typeof ms === 'number'),
    }));
  };

  // The hour as epoch ms by arithmetic, turned into the ISO hour here.
  const hourly = async (match: Record<string, unknown>): Promise<Keyed[]> =>
    (await grouped(match, HOUR_START)).map((row) => ({ ...row, key: new Date(Number(row.key)).toISOString() }));

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
