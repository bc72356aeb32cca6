import type { CreatedHookOut, EventType } from '@nebulahex/shared';
import { useId, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../../api/client';
import { useCreateHook } from '../../api/queries';
import { SecretOnce } from '../../components/Secret';
import { ActionError } from '../../components/states';
import { BotSelect } from './BotSelect';
import { EventTypePicker } from './EventTypePicker';
import { VerificationSnippet } from './VerificationSnippet';

/** The API's 422 details, by field. */
const fieldErrors = (error: unknown): Record<string, string> =>
  error instanceof ApiError && Array.isArray(error.details)
    ? Object.fromEntries((error.details as Array<{ field: string; message: string }>).map((d) => [d.field.split('.')[0], `${d.field} ${d.message}`]))
    : {};

function Created({ hook, onDone }: { hook: CreatedHookOut; onDone: () => void }) {
  return (
    <div className="created">
      <p role="status">
        Endpoint created: <Link href={`/endpoints/${hook.id}`}>{hook.targetUrl}</Link>
      </p>
      <SecretOnce label="Signing secret" value={hook.signingSecret}>
        <VerificationSnippet secret={hook.signingSecret} />
      </SecretOnce>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

export function CreateEndpoint({ onClose }: { onClose: () => void }) {
  const create = useCreateHook();
  const [targetUrl, setTargetUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<EventType[]>([]);
  const [botId, setBotId] = useState<string | null>(null);
  const [headerName, setHeaderName] = useState('Authorization');
  const [headerValue, setHeaderValue] = useState('');
  const ids = { url: useId(), description: useId(), header: useId(), value: useId() };
  const errors = fieldErrors(create.error);

  if (create.data) return <Created hook={create.data} onDone={onClose} />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ targetUrl, events, botId, ...(description ? { description } : {}), ...(headerValue ? { headers: { [headerName]: headerValue } } : {}) });
  };
  return (
    <form onSubmit={submit} className="panel" aria-label="New endpoint">
      <h2>New endpoint</h2>
      <div className="field">
        <label htmlFor={ids.url}>Endpoint URL</label>
        <input id={ids.url} type="url" required value={targetUrl} onChange={(e) => setTargetUrl(e.target.value)} placeholder="https://example.com/webhooks" aria-invalid={Boolean(errors.targetUrl)} />
        {errors.targetUrl && <p className="action-error">{errors.targetUrl}</p>}
      </div>
      <div className="field">
        <label htmlFor={ids.description}>Description (optional)</label>
        <input id={ids.description} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
      </div>
      <EventTypePicker value={events} onChange={setEvents} />
      {(errors.events || errors.event) && <p className="action-error">Choose at least one event type.</p>}
      <BotSelect value={botId} onChange={setBotId} />
      <fieldset>
        <legend>Custom header (optional, e.g. your receiver's credential)</legend>
        <div className="field">
          <label htmlFor={ids.header}>Header name</label>
          <input id={ids.header} value={headerName} onChange={(e) => setHeaderName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.value}>Header value (stored encrypted, never shown again in full)</label>
          <input id={ids.value} type="password" autoComplete="off" value={headerValue} onChange={(e) => setHeaderValue(e.target.value)} />
        </div>
      </fieldset>
      <ActionError error={create.error} />
      <div className="actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
          {create.isPending ? 'Creating…' : 'Create endpoint'}
        </button>
      </div>
    </form>
  );
}
