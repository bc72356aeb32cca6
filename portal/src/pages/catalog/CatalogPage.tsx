import type { CatalogEventOut } from '@nebulahex/shared';
import { useCatalog } from '../../api/queries';
import { DataRow, DataTable } from '../../components/DataTable';
import { QueryState } from '../../components/states';

function EventType({ event }: { event: CatalogEventOut }) {
  const id = `event-${event.type.replace('.', '-')}`;
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>
        <code>{event.type}</code> — {event.label}
      </h2>
      <p>{event.description}</p>
      {event.source === 'platform' && <p className="hint">Operational: NebulaHex itself emits this event about your endpoints.</p>}
      <DataTable label={`Fields of ${event.type}`} columns={['Field', 'Type', 'Always present']}>
        {event.fields.map((field) => (
          <DataRow key={field.name}>
            <th scope="row"><code>data.{field.name}</code></th>
            <td>{field.type}{field.nullable ? ' or null' : ''}</td>
            <td>{field.required ? 'yes' : 'no'}</td>
          </DataRow>
        ))}
      </DataTable>
      <details>
        <summary>Sample body of {event.type}</summary>
        <pre tabIndex={0}>{JSON.stringify(event.sample, null, 2)}</pre>
      </details>
    </section>
  );
}

export function CatalogPage() {
  const catalog = useCatalog();
  return (
    <>
      <h1>Event catalog</h1>
      <p>Every event your endpoints can receive. Each delivery's body is <code>{'{id, type, timestamp, workspaceId, test, data}'}</code>; the fields below are those of <code>data</code>.</p>
      <QueryState query={catalog} what="the event catalog" isEmpty={(data) => data.events.length === 0} empty={<p>The catalog is empty.</p>}>
        {(data) => data.events.map((event) => <EventType key={event.type} event={event} />)}
      </QueryState>
    </>
  );
}
