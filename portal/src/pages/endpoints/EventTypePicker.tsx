import type { EventType } from '@nebulahex/shared';
import { useCatalog } from '../../api/queries';
import { QueryState } from '../../components/states';

/** Checkboxes of the catalog's event types, each with its description and sample. */
export function EventTypePicker({ value, onChange }: { value: EventType[]; onChange: (types: EventType[]) => void }) {
  const catalog = useCatalog();
  const toggle = (type: EventType, on: boolean) => onChange(on ? [...value, type] : value.filter((t) => t !== type));
  return (
    <fieldset>
      <legend>Event types</legend>
      <QueryState query={catalog} what="event types">
        {(data) => (
          <ul className="plain">
            {data.events.map((event) => (
              <li key={event.type}>
                <label>
                  <input type="checkbox" checked={value.includes(event.type)} onChange={(e) => toggle(event.type, e.target.checked)} />
                  <code>{event.type}</code> — {event.label}
                </label>
                <p className="hint">{event.description}</p>
                <details>
                  <summary>Sample of {event.type}</summary>
                  <pre tabIndex={0}>{JSON.stringify(event.sample, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </fieldset>
  );
}
