import type { EventType, HookOut } from '@nebulahex/shared';
import { useId, useState, type FormEvent } from 'react';
import { useUpdateHook } from '../../api/queries';
import { ActionError } from '../../components/states';
import { BotSelect } from '../endpoints/BotSelect';
import { EventTypePicker } from '../endpoints/EventTypePicker';

/** Edits an endpoint with PATCH: only what changed is sent; header values are write-only. */
export function EditEndpoint({ hook, onClose }: { hook: HookOut; onClose: () => void }) {
  const update = useUpdateHook(hook.id);
  const [targetUrl, setTargetUrl] = useState(hook.targetUrl);
  const [description, setDescription] = useState(hook.description);
  const [events, setEvents] = useState<EventType[]>(hook.events);
  const [botId, setBotId] = useState(hook.botId);
  const [headerName, setHeaderName] = useState('Authorization');
  const [headerValue, setHeaderValue] = useState('');
  const [removed, setRemoved] = useState<string[]>([]);
  const [limit, setLimit] = useState(hook.maxConcurrency === null ? '' : String(hook.maxConcurrency));
  const ids = { url: useId(), description: useId(), header: useId(), value: useId(), limit: useId() };
  const maxConcurrency = limit === '' ? null : Number(limit);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const headers: Record<string, string | null> = Object.fromEntries(removed.map((name) => [name, null]));
    if (headerValue) headers[headerName] = headerValue;
    update.mutate(
      {
        ...(targetUrl !== hook.targetUrl ? { targetUrl } : {}),
        ...(description !== hook.description ? { description } : {}),
        ...(events.join() !== hook.events.join() ? { events } : {}),
        ...(botId !== hook.botId ? { botId } : {}),
        ...(maxConcurrency !== hook.maxConcurrency ? { maxConcurrency } : {}),
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
      },
      { onSuccess: onClose },
    );
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="Edit endpoint">
      <h2>Edit endpoint</h2>
      <div className="field">
        <label htmlFor={ids.url}>Endpoint URL</label>
        <input id={ids.url} type="url" required value={targetUrl} onChange={(e) => setTargetUrl(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.description}>Description</label>
        <input id={ids.description} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <EventTypePicker value={events} onChange={setEvents} />
      <BotSelect value={botId} onChange={setBotId} />
      <div className="field">
        <label htmlFor={ids.limit}>Deliveries at once, per worker (1–100; empty for the server default)</label>
        <input id={ids.limit} type="number" min={1} max={100} step={1} value={limit} onChange={(e) => setLimit(e.target.value)} />
      </div>
      <fieldset>
        <legend>Custom headers</legend>
        <ul className="plain">
          {Object.entries(hook.headers).map(([name, masked]) => (
            <li key={name}>
              <label>
                <input type="checkbox" checked={removed.includes(name)} onChange={(e) => setRemoved(e.target.checked ? [...removed, name] : removed.filter((n) => n !== name))} />
                Remove <code>{name}</code> ({masked})
              </label>
            </li>
          ))}
        </ul>
        <div className="field">
          <label htmlFor={ids.header}>Set header</label>
          <input id={ids.header} value={headerName} onChange={(e) => setHeaderName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.value}>Value (leave empty to keep the current one)</label>
          <input id={ids.value} type="password" autoComplete="off" value={headerValue} onChange={(e) => setHeaderValue(e.target.value)} />
        </div>
      </fieldset>
      <ActionError error={update.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={update.isPending || events.length === 0}>Save changes</button>
      </div>
    </form>
  );
}
