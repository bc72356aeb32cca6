import type { DeliveryCounts, ResponseTimes } from '@nebulahex/shared';

/** One group of the aggregation: deliveries of one status (within one hour or endpoint). */
export interface StatusGroup {
  status: string;
  count: number;
  /** Response times of their last attempts, where one was made. */
  durations: number[];
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

/** Folds status groups into counts by outcome and p50/p95 response times. */
export function summarize(groups: StatusGroup[]): DeliveryCounts & ResponseTimes {
  const count = (status: string) => groups.filter((group) => group.status === status).reduce((sum, group) => sum + group.count, 0);
  const total = groups.reduce((sum, group) => sum + group.count, 0);
  const succeeded = count('succeeded');
  const failed = count('failed');
  const durations = groups.flatMap((group) => group.durations).sort((a, b) => a - b);
  return {
    total,
    succeeded,
    failed,
    inProgress: total - succeeded - failed,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    p50Ms: percentile(durations, 50),
    p95Ms: percentile(durations, 95),
  };
}

/** The start of every hour from `since` to `now`, as the aggregation keys them. */
export function hoursBetween(since: Date, now: Date): string[] {
  const hours: string[] = [];
  const start = new Date(since);
  start.setUTCMinutes(0, 0, 0);
  for (let at = start.getTime(); at <= now.getTime(); at += 3_600_000) hours.push(new Date(at).toISOString());
  return hours;
}
