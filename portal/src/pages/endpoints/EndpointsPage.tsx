import type { HookOut, OverviewStatsOut } from '@nebulahex/shared';
import { useState } from 'react';
import { Link } from 'wouter';
import { useBots, useHooks, useOverview } from '../../api/queries';
import { DataRow, DataTable } from '../../components/DataTable';
import { percent, when } from '../../components/format';
import { QueryState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { CreateEndpoint } from './CreateEndpoint';

const COLUMNS = ['Endpoint', 'Status', 'Events', 'Bot', 'Success, 24 h', 'Last success', 'Last failure'];

function EndpointTable({ hooks, stats }: { hooks: HookOut[]; stats: OverviewStatsOut | undefined }) {
  const bots = useBots();
  const botName = (botId: string | null) => (botId ? (bots.data?.bots.find((bot) => bot.id === botId)?.name ?? botId) : 'Every bot');
  const rate = (hookId: string) => stats?.endpoints.find((row) => row.hookId === hookId)?.successRate ?? null;
  return (
    <DataTable label="Endpoints" columns={COLUMNS}>
      {hooks.map((hook) => (
        <DataRow key={hook.id}>
          <th scope="row">
            <Link href={`/endpoints/${hook.id}`}>{hook.targetUrl}</Link>
            {hook.description && <div className="hint">{hook.description}</div>}
          </th>
          <td>
            <StatusBadge status={hook.status} />
          </td>
          <td>{hook.events.join(', ')}</td>
          <td>{botName(hook.botId)}</td>
          <td>{percent(rate(hook.id))}</td>
          <td>{when(hook.lastSuccessAt)}</td>
          <td>{when(hook.lastFailureAt)}</td>
        </DataRow>
      ))}
    </DataTable>
  );
}

export function EndpointsPage() {
  const hooks = useHooks();
  const overview = useOverview();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div className="title-row">
        <h1>Endpoints</h1>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Add endpoint
          </button>
        )}
      </div>
      {creating && <CreateEndpoint onClose={() => setCreating(false)} />}
      <QueryState query={hooks} what="endpoints" isEmpty={(data) => data.hooks.length === 0} empty={<p>No endpoints yet. Add one to receive your bots' events.</p>}>
        {(data) => <EndpointTable hooks={data.hooks} stats={overview.data} />}
      </QueryState>
    </>
  );
}
