import type { HookStatsOut, StatsRange } from '@nebulahex/shared';
import { useEffect, useId, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useHookStats } from '../../api/queries';
import { DataRow, DataTable } from '../../components/DataTable';
import { count, ms, percent } from '../../components/format';
import { QueryState } from '../../components/states';

const HEIGHT = 220;

function chartData(stats: HookStatsOut): uPlot.AlignedData {
  const column = (pick: (b: HookStatsOut['buckets'][number]) => number | null) => stats.buckets.map(pick);
  return [stats.buckets.map((b) => Date.parse(b.hour) / 1000), column((b) => b.succeeded), column((b) => b.failed), column((b) => b.p95Ms)];
}

const hourLabel = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The legend's values: the hour under the pointer, or (with no pointer on the chart, as on a
 * phone) the whole range's totals, instead of uPlot's "--".
 */
function legendValues(current: () => HookStatsOut) {
  const whole = () => current().totals;
  const bucketCount = (raw: number | null, idx: number | null, total: () => number) => (idx === null ? String(total()) : String(raw ?? 0));
  return {
    time: (_u: uPlot, raw: number | null, _s: number, idx: number | null) =>
      idx === null || raw === null ? (current().range === '24h' ? 'last 24 hours' : 'last 7 days') : hourLabel.format(new Date(raw * 1000)),
    succeeded: (_u: uPlot, raw: number | null, _s: number, idx: number | null) => bucketCount(raw, idx, () => whole().succeeded),
    failed: (_u: uPlot, raw: number | null, _s: number, idx: number | null) => bucketCount(raw, idx, () => whole().failed),
    p95: (_u: uPlot, raw: number | null, _s: number, idx: number | null) => (idx === null ? ms(whole().p95Ms) : ms(raw)),
  };
}

function options(width: number, current: () => HookStatsOut): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.6, 24] });
  const values = legendValues(current);
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max)] }, ms: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [{}, { scale: 'count', label: 'Deliveries' }, { scale: 'ms', side: 1, label: 'p95 ms', grid: { show: false } }],
    series: [
      { label: 'Time', value: values.time },
      { label: 'Succeeded', scale: 'count', stroke: '#1a7f37', fill: 'rgba(26,127,55,0.35)', value: values.succeeded, ...(bars ? { paths: bars } : {}) },
      { label: 'Failed', scale: 'count', stroke: '#b42318', fill: 'rgba(180,35,24,0.45)', value: values.failed, ...(bars ? { paths: bars } : {}) },
      { label: 'p95 response time', scale: 'ms', stroke: '#3b5bdb', width: 2, spanGaps: true, value: values.p95 },
    ],
  };
}

/** uPlot draws on a canvas: the same numbers are in the table below it. */
function Plot({ stats }: { stats: HookStatsOut }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const current = useRef(stats);
  current.current = stats;
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    plot.current = new uPlot(options(Math.max(280, element.clientWidth), () => current.current), chartData(stats), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(280, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps -- data updates below
  useEffect(() => {
    const chart = plot.current;
    if (!chart) return;
    chart.setData(chartData(stats));
    chart.setLegend({ idxs: chart.series.map(() => chart.cursor.idx ?? null) }); // without a pointer, the new data's totals
  }, [stats]);
  return <div ref={box} className="chart" role="img" aria-label="Deliveries per hour by outcome, with the p95 response time" />;
}

function ChartTable({ stats }: { stats: HookStatsOut }) {
  const rows = stats.buckets.filter((bucket) => bucket.total > 0);
  return (
    <details>
      <summary>The chart's numbers ({count(rows.length, 'hour', 'hours')} with deliveries)</summary>
      <DataTable label="The chart's numbers by hour" columns={['Hour', 'Succeeded', 'Failed', 'In progress', 'p95']}>
        {rows.map((bucket) => (
          <DataRow key={bucket.hour}>
            <th scope="row">{new Date(bucket.hour).toLocaleString()}</th>
            <td>{bucket.succeeded}</td>
            <td>{bucket.failed}</td>
            <td>{bucket.inProgress}</td>
            <td>{ms(bucket.p95Ms)}</td>
          </DataRow>
        ))}
      </DataTable>
    </details>
  );
}

export function DeliveryChart({ hookId }: { hookId: string }) {
  const [range, setRange] = useState<StatsRange>('24h');
  const stats = useHookStats(hookId, range);
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <div className="title-row">
        <h2 id={id}>Deliveries per hour</h2>
        <div role="group" aria-label="Time range" className="segmented">
          {(['24h', '7d'] as const).map((value) => (
            <button key={value} type="button" aria-pressed={range === value} onClick={() => setRange(value)}>
              {value === '24h' ? 'Last 24 hours' : 'Last 7 days'}
            </button>
          ))}
        </div>
      </div>
      <QueryState query={stats} what="the chart">
        {(data) => (
          <>
            <p className="figures-inline">
              {count(data.totals.total, 'delivery', 'deliveries')} · success {percent(data.totals.successRate)} · p50 {ms(data.totals.p50Ms)} · p95 {ms(data.totals.p95Ms)}
            </p>
            <Plot stats={data} />
            <ChartTable stats={data} />
          </>
        )}
      </QueryState>
    </section>
  );
}
