import type { HookOut } from '@nebulahex/shared';
import { useId, useState } from 'react';
import { useLocation } from 'wouter';
import { deliveriesCsvUrl } from '../../api/client';
import { useDeleteHook, useRecover, useRotateSecret, useSendTest, useUpdateHook } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { count } from '../../components/format';
import { SecretOnce } from '../../components/Secret';
import { ActionError } from '../../components/states';
import { VerificationSnippet } from '../endpoints/VerificationSnippet';

function Recover({ hookId }: { hookId: string }) {
  const recover = useRecover(hookId);
  const [since, setSince] = useState(() => new Date(Date.now() - 24 * 3_600_000).toISOString().slice(0, 16));
  const id = useId();
  return (
    <form className="inline-form" onSubmit={(e) => { e.preventDefault(); recover.mutate(new Date(since).toISOString()); }}>
      <label htmlFor={id}>Retry failed deliveries since</label>
      <input id={id} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} required />
      <button type="submit" disabled={recover.isPending}>Recover</button>
      <span role="status">{recover.data ? `${count(recover.data.queued, 'delivery', 'deliveries')} queued again.` : ''}</span>
      <ActionError error={recover.error} />
    </form>
  );
}

/** Everything one can do to an endpoint, each with its own feedback. */
export function EndpointActions({ hook, onEdit }: { hook: HookOut; onEdit: () => void }) {
  const [, navigate] = useLocation();
  const test = useSendTest(hook.id);
  const update = useUpdateHook(hook.id);
  const rotate = useRotateSecret(hook.id);
  const remove = useDeleteHook();
  const paused = hook.status === 'paused';
  return (
    <section aria-label="Endpoint actions" className="panel">
      <div className="actions wrap">
        <button type="button" className="primary" disabled={test.isPending} onClick={() => test.mutate(undefined)}>Send test event</button>
        <button type="button" disabled={update.isPending} onClick={() => update.mutate({ paused: !paused })}>{paused ? 'Resume' : 'Pause'}</button>
        <button type="button" onClick={onEdit}>Edit</button>
        <a className="button" href={deliveriesCsvUrl(hook.id)} download>Download CSV</a>
        <ConfirmButton label="Rotate secret" title="Rotate the signing secret?" confirmLabel="Rotate" onConfirm={() => rotate.mutate(undefined)}>
          <p>A new secret signs every delivery from now on. The current secret keeps signing beside it for 24 hours, so your receiver can switch without missing a delivery.</p>
        </ConfirmButton>
        <ConfirmButton label="Delete" danger title="Delete this endpoint?" confirmLabel="Delete endpoint" onConfirm={() => remove.mutate(hook.id, { onSuccess: () => navigate('/endpoints') })}>
          <p>Deliveries to <code>{hook.targetUrl}</code> stop at once, and its unfinished deliveries end as failed. This cannot be undone.</p>
        </ConfirmButton>
      </div>
      <p role="status">{test.data ? `Test event ${test.data.eventId} sent.` : ''}</p>
      {[test.error, update.error, rotate.error, remove.error].map((error, index) => <ActionError key={index} error={error} />)}
      {rotate.data && (
        <SecretOnce label="New signing secret" value={rotate.data.signingSecret}>
          <p className="hint">The previous secret keeps signing for 24 hours (both signatures are sent), then stops.</p>
          <VerificationSnippet secret={rotate.data.signingSecret} />
        </SecretOnce>
      )}
      <Recover hookId={hook.id} />
    </section>
  );
}
