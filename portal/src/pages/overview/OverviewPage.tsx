import type { HookOut, OverviewStatsOut } from '@nebulahex/shared';
import { Link } from 'wouter';
import { useHooks, useOverview, useResume } from '../../api/queries';
import { ms, percent, when } from '../../components/format';
import { ActionError, QueryState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';

function Totals({ stats }: { stats: OverviewStatsOut }) {
  const { totals } = stats;
  const figures = [
    ['Deliveries, last 24 h', String(totals.total)],
    ['Success rate', percent(totals.successRate)],
    ['Response time p50', ms(totals.p50Ms)],
    ['Response time p95', ms(totals.p95Ms)],
  ];
  return (
    <dl className="figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Paused endpoints first, then those with failures today. */
function needingAttention(hooks: HookOut[], stats: OverviewStatsOut): Array<HookOut & { failed: number }> {
  const failed = new Map(stats.endpoints.map((row) => [row.hookId, row.failed]));
  return hooks
    .map((hook) => ({ ...hook, failed: failed.get(hook.id) ?? 0 }))
    .filter((hook) => hook.status === 'paused' || hook.failed > 0 || hook.consecutiveFailures > 0)
    .sort((a, b) => Number(b.status === 'paused') - Number(a.status === 'paused') || b.failed - a.failed);
}

function Attention({ hooks, stats }: { hooks: HookOut[]; stats: OverviewStatsOut }) {
  const resume = useResume();
  const rows = needingAttention(hooks, stats);
  if (rows.length === 0) return <p className="state state-empty">No endpoint is paused or failing.</p>;
  return (
    <>
    <ActionError error={resume.error} />
    <ul className="cards">
      {rows.map((hook) => (
        <li key={hook.id} className="card">
          <div className="row">
            <StatusBadge status={hook.status} />
            <Link href={`/endpoints/${hook.id}`}>{hook.description || hook.targetUrl}</Link>
          </div>
          <p>{hook.pausedReason ?? `${hook.failed} failed deliveries in the last 24 h; last failure ${when(hook.lastFailureAt)}.`}</p>
          {hook.status === 'paused' && (
            <button type="button" className="primary" disabled={resume.isPending} onClick={() => resume.mutate(hook.id)}>
              Resume {hook.description || 'endpoint'}
            </button>
          )}
        </li>
      ))}
    </ul>
    </>
  );
}

export function OverviewPage() {
  const overview = useOverview();
  const hooks = useHooks();
  return (
    <>
      <h1>Overview</h1>
      <QueryState query={overview} what="delivery statistics">
        {(stats) => <Totals stats={stats} />}
      </QueryState>
      <h2>Endpoints that need attention</h2>
      <QueryState
        query={hooks}
        what="endpoints"
        isEmpty={(data) => data.hooks.length === 0}
        empty={
          <p>
            No endpoints yet. <Link href="/endpoints">Add your first endpoint</Link> to receive events.
          </p>
        }
      >
        {(data) => (overview.data ? <Attention hooks={data.hooks} stats={overview.data} /> : null)}
      </QueryState>
    </>
  );
}
