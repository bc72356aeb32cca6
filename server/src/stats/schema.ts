import { z } from 'zod';

export const StatsRangeQuery = z.object({ range: z.enum(['24h', '7d']).default('24h').meta({ description: 'The last 24 hours or 7 days.' }) });

const Counts = {
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  inProgress: z.number().int().meta({ description: 'Pending, sending or held.' }),
  successRate: z.number().nullable().meta({ description: 'Succeeded / finished, 0–1; null when none finished.' }),
};
const Times = {
  p50Ms: z.number().nullable().meta({ description: 'Median response time of the last attempts, ms.' }),
  p95Ms: z.number().nullable().meta({ description: '95th percentile response time of the last attempts, ms.' }),
};
const Totals = z.object({ ...Counts, ...Times }).meta({ id: 'DeliveryTotals' });

export const HookStatsOut = z
  .object({
    hookId: z.string(),
    range: z.enum(['24h', '7d']),
    since: z.string(),
    totals: Totals,
    buckets: z.array(z.object({ hour: z.string().meta({ description: 'Start of the hour (UTC).' }), ...Counts, ...Times })),
  })
  .meta({ id: 'HookStats' });

export const OverviewStatsOut = z
  .object({ since: z.string(), totals: Totals, endpoints: z.array(z.object({ hookId: z.string(), ...Counts })) })
  .meta({ id: 'OverviewStats' });
