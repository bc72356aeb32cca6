import type { HookOut } from '@nebulahex/shared';
import { useState } from 'react';
import { Link } from 'wouter';
import { useHook } from '../../api/queries';
import { when } from '../../components/format';
import { QueryState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { DeliveryChart } from './DeliveryChart';
import { DeliveryLog } from './DeliveryLog';
import { EditEndpoint } from './EditEndpoint';
import { EndpointActions } from './EndpointActions';

function Summary({ hook }: { hook: HookOut }) {
  const headers = Object.entries(hook.headers);
  return (
    <dl className="summary">
      <div><dt>Status</dt><dd><StatusBadge status={hook.status} /></dd></div>
      {hook.pausedReason && <div><dt>Why paused</dt><dd className="failure">{hook.pausedReason}</dd></div>}
      <div><dt>Events</dt><dd>{hook.events.join(', ')}</dd></div>
      <div><dt>Last success</dt><dd>{when(hook.lastSuccessAt)}</dd></div>
      <div><dt>Last failure</dt><dd>{when(hook.lastFailureAt)}</dd></div>
      <div><dt>Deliveries at once</dt><dd>{hook.maxConcurrency ?? 'server default'}</dd></div>
      <div><dt>Failed in a row</dt><dd>{hook.consecutiveFailures}</dd></div>
      {headers.length > 0 && <div><dt>Custom headers</dt><dd>{headers.map(([name, value]) => `${name}: ${value}`).join(', ')}</dd></div>}
    </dl>
  );
}

export function EndpointPage({ hookId }: { hookId: string }) {
  const hook = useHook(hookId);
  const [editing, setEditing] = useState(false);
  return (
    <QueryState query={hook} what="the endpoint">
      {(data) => (
        <>
          <p><Link href="/endpoints">← Endpoints</Link></p>
          <h1 className="url">{data.description || data.targetUrl}</h1>
          {data.description && <p className="url">{data.targetUrl}</p>}
          <Summary hook={data} />
          {editing ? <EditEndpoint hook={data} onClose={() => setEditing(false)} /> : <EndpointActions hook={data} onEdit={() => setEditing(true)} />}
          <DeliveryChart hookId={hookId} />
          <DeliveryLog hookId={hookId} />
        </>
      )}
    </QueryState>
  );
}
