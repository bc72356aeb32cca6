import type { DeliveryOut, DeliveryStatus } from '@nebulahex/shared';
import { Fragment, useId, useState } from 'react';
import { useDeliveries, useReplay } from '../../api/queries';
import { DataRow, DataTable } from '../../components/DataTable';
import { ms, when } from '../../components/format';
import { ActionError, QueryState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { DeliveryDetail } from './DeliveryDetail';

const FILTERS: Array<[DeliveryStatus | '', string]> = [
  ['', 'All outcomes'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
  ['pending', 'Retrying'],
  ['held', 'Held'],
];
const FINISHED = new Set(['succeeded', 'failed']);
const COLUMNS = ['Time', 'Event', 'Outcome', 'Status code', 'Response time', 'Attempts', 'Failure reason', 'Actions'];

function Row({ delivery, open, onToggle, hookId }: { delivery: DeliveryOut; open: boolean; onToggle: () => void; hookId: string }) {
  const replay = useReplay(hookId);
  return (
    <Fragment>
      <DataRow>
        <td>{when(delivery.createdAt)}</td>
        <td>{delivery.eventType}</td>
        <td>
          <StatusBadge status={delivery.status} />
        </td>
        <td>{delivery.lastStatusCode ?? '—'}</td>
        <td>{ms(delivery.lastDurationMs)}</td>
        <td>{delivery.attemptCount}</td>
        <td className={delivery.failureReason ? 'failure' : undefined}>{delivery.failureReason ?? '—'}</td>
        <td className="nowrap">
          <button type="button" aria-expanded={open} onClick={onToggle} aria-label={`Attempts of delivery ${delivery.id}`}>
            Attempts
          </button>{' '}
          <button type="button" disabled={!FINISHED.has(delivery.status) || replay.isPending} onClick={() => replay.mutate(delivery.id)} aria-label={`Replay delivery ${delivery.id}`}>
            Replay
          </button>
          <ActionError error={replay.error} />
        </td>
      </DataRow>
      {open && (
        <tr className="detail">
          <td colSpan={COLUMNS.length}>
            <DeliveryDetail deliveryId={delivery.id} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The endpoint's deliveries, newest first, filtered by outcome, a page at a time. */
export function DeliveryLog({ hookId }: { hookId: string }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors.at(-1) ?? null;
  const deliveries = useDeliveries(hookId, status, cursor);
  const filterId = useId();
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <div className="title-row">
        <h2 id={headingId}>Delivery log</h2>
        <div className="field inline">
          <label htmlFor={filterId}>Outcome</label>
          <select id={filterId} value={status} onChange={(e) => { setStatus(e.target.value as DeliveryStatus | ''); setCursors([null]); }}>
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </div>
      </div>
      <QueryState query={deliveries} what="deliveries" isEmpty={(data) => data.deliveries.length === 0} empty={<p>No deliveries{status ? ' with this outcome' : ' yet: send a test event'}.</p>}>
        {(data) => (
          <>
            <DataTable label="Deliveries" columns={COLUMNS} testId="delivery-log">
              {data.deliveries.map((delivery) => (
                <Row key={delivery.id} delivery={delivery} hookId={hookId} open={open === delivery.id} onToggle={() => setOpen(open === delivery.id ? null : delivery.id)} />
              ))}
            </DataTable>
            <div className="actions">
              <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>
              <button type="button" disabled={!data.nextCursor} onClick={() => setCursors([...cursors, data.nextCursor])}>Older</button>
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}
