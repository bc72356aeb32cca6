import type { ApiKeyOut, ApiKeyRole } from '@nebulahex/shared';
import { useId, useState, type FormEvent } from 'react';
import { useApiKeys, useCreateApiKey, useRevokeApiKey } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataRow, DataTable } from '../../components/DataTable';
import { when } from '../../components/format';
import { SecretOnce } from '../../components/Secret';
import { ActionError, QueryState } from '../../components/states';

function CreateKey() {
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [role, setRole] = useState<ApiKeyRole>('member');
  const ids = { name: useId(), role: useId() };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, role }, { onSuccess: () => setName('') });
  };
  return (
    <>
      <form onSubmit={submit} className="panel inline-form" aria-label="New API key">
        <div className="field">
          <label htmlFor={ids.name}>Key name</label>
          <input id={ids.name} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. CRM sync" />
        </div>
        <div className="field">
          <label htmlFor={ids.role}>Role</label>
          <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as ApiKeyRole)}>
            <option value="member">Member: everything but managing keys</option>
            <option value="admin">Admin: also manages keys</option>
          </select>
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
        <ActionError error={create.error} />
      </form>
      {create.data && <SecretOnce label={`API key "${create.data.name}"`} value={create.data.key} />}
    </>
  );
}

function KeyRow({ apiKey }: { apiKey: ApiKeyOut }) {
  const revoke = useRevokeApiKey();
  return (
    <DataRow>
      <th scope="row">{apiKey.name}</th>
      <td><code>{apiKey.prefix}…</code></td>
      <td>{apiKey.role}</td>
      <td>{when(apiKey.createdAt)}</td>
      <td>{when(apiKey.lastUsedAt)}</td>
      <td>
        {apiKey.revokedAt ? (
          `Revoked ${when(apiKey.revokedAt)}`
        ) : (
          <ConfirmButton label={`Revoke ${apiKey.name}`} danger title={`Revoke the key "${apiKey.name}"?`} confirmLabel="Revoke key" onConfirm={() => revoke.mutate(apiKey.id)}>
            <p>Every request with this key is refused from now on. Integrations that use it stop working.</p>
          </ConfirmButton>
        )}
        <ActionError error={revoke.error} />
      </td>
    </DataRow>
  );
}

export function KeysPage() {
  const keys = useApiKeys();
  return (
    <>
      <h1>API keys</h1>
      <CreateKey />
      <QueryState query={keys} what="API keys" isEmpty={(data) => data.keys.length === 0} empty={<p>No API keys yet.</p>}>
        {(data) => (
          <DataTable label="API keys" columns={['Name', 'Key', 'Role', 'Created', 'Last used', 'Status']}>
            {data.keys.map((apiKey) => <KeyRow key={apiKey.id} apiKey={apiKey} />)}
          </DataTable>
        )}
      </QueryState>
    </>
  );
}
