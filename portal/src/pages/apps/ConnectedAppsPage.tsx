import type { ConnectedAppOut } from '@nebulahex/shared';
import { useConnectedApps, useDisconnectApp } from '../../api/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataRow, DataTable } from '../../components/DataTable';
import { when } from '../../components/format';
import { ActionError, QueryState } from '../../components/states';

function AppRow({ app }: { app: ConnectedAppOut }) {
  const disconnect = useDisconnectApp();
  return (
    <DataRow>
      <th scope="row">{app.name}</th>
      <td>{app.connectedBy}</td>
      <td>{when(app.connectedAt)}</td>
      <td>{when(app.lastUsedAt)}</td>
      <td>
        <ConfirmButton label={`Disconnect ${app.name}`} danger title={`Disconnect ${app.name}?`} confirmLabel="Disconnect" onConfirm={() => disconnect.mutate(app.id)}>
          <p>Its access is revoked at once: Zaps and other integrations that use this connection stop working until someone connects the app again.</p>
        </ConfirmButton>
        <ActionError error={disconnect.error} />
      </td>
    </DataRow>
  );
}

/** Apps (such as Zapier) connected to the workspace with OAuth, each revocable. */
export function ConnectedAppsPage() {
  const apps = useConnectedApps();
  return (
    <>
      <h1>Connected apps</h1>
      <p>Apps a workspace admin allowed to act on this workspace. Disconnecting one revokes its access.</p>
      <QueryState query={apps} what="connected apps" isEmpty={(data) => data.apps.length === 0} empty={<p>No apps are connected. Connect one from the app itself, e.g. Zapier's "Connect NebulaHex".</p>}>
        {(data) => (
          <DataTable label="Connected apps" columns={['App', 'Connected by', 'Connected', 'Last used', 'Access']}>
            {data.apps.map((app) => <AppRow key={app.id} app={app} />)}
          </DataTable>
        )}
      </QueryState>
    </>
  );
}
