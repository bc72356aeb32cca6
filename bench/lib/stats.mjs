// Percentiles through hdr-histogram-js, process CPU from /proc, and the figures' formatting.
import { readFile } from 'node:fs/promises';
import * as hdr from 'hdr-histogram-js';

/** A histogram of milliseconds (recorded in microseconds, up to 10 minutes, 3 significant digits). */
export function latencyHistogram() {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  return {
    record: (ms) => histogram.recordValue(Math.max(1, Math.round(ms * 1000))),
    count: () => histogram.totalCount,
    // hdr answers the top of the value's bucket; never report a percentile above the maximum seen.
    percentile: (p) => Math.min(histogram.getValueAtPercentile(p), histogram.maxValue) / 1000,
    max: () => histogram.maxValue / 1000,
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 when it is gone. */
export async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / TICKS_PER_SECOND;
}

/** Resident memory of a process in MB, from /proc/<pid>/status. */
export async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return kb / 1024;
}

export const round = (value, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);
export const ratio = (value, baseline) => (baseline > 0 ? `${Number((value / baseline).toPrecision(2))}×` : 'n/a');
/** A ratio judged against a threshold, to three digits, so a figure just under it never prints as the threshold itself (0.196×, not 0.2×). */
export const preciseRatio = (value, baseline) => (baseline > 0 ? `${(value / baseline).toPrecision(3)}×` : 'n/a');
export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
