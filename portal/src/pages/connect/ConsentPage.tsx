import type { ConsentOut } from '@nebulahex/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { ApiError, consent, setCsrfToken } from '../../api/client';
import { ActionError, ErrorState, Loading } from '../../components/states';

/** No portal session: how to sign in, and that the browser comes back here afterwards. */
function SignInFirst() {
  return (
    <>
      <h1>Sign in to connect an app</h1>
      <p>An app asked to connect to your NebulaHex workspace. To allow or deny it, sign in to the NebulaHex portal first.</p>
      <ol>
        <li>Open the portal from your NebulaHex dashboard, or ask an admin of your workspace for a portal sign-in link.</li>
        <li>Open the link in this browser: you come back to this page to allow or deny the connection.</li>
      </ol>
    </>
  );
}

function Expired({ message }: { message: string }) {
  return (
    <>
      <h1>This connection request has ended</h1>
      <p>{message}</p>
    </>
  );
}

function Consent({ uid, details }: { uid: string; details: ConsentOut }) {
  setCsrfToken(details.csrfToken);
  const answer = useMutation({
    mutationFn: (choice: 'allow' | 'deny') => consent.answer(uid, choice),
    onSuccess: ({ redirectTo }) => window.location.assign(redirectTo),
  });
  return (
    <>
      <h1>
        Connect {details.app.name} to {details.workspace.name}?
      </h1>
      <dl className="panel consent-facts">
        <dt>App</dt>
        <dd>{details.app.name}</dd>
        <dt>Workspace</dt>
        <dd>{details.workspace.name}</dd>
        <dt>Signed in as</dt>
        <dd>{details.signedInAs}</dd>
      </dl>
      <h2>{details.app.name} will be able to</h2>
      <ul>
        {details.scopes.map((scope) => (
          <li key={scope.name}>{scope.description}</li>
        ))}
      </ul>
      <p>You can disconnect it at any time under Connected apps.</p>
      <div className="actions">
        <button type="button" className="primary" disabled={answer.isPending} onClick={() => answer.mutate('allow')}>
          Allow
        </button>
        <button type="button" disabled={answer.isPending} onClick={() => answer.mutate('deny')}>
          Deny
        </button>
      </div>
      <ActionError error={answer.error} />
    </>
  );
}

/** The consent screen an app's authorization request opens (`/portal/connect/:uid`). */
export function ConsentPage({ uid }: { uid: string }) {
  const details = useQuery({ queryKey: ['consent', uid], queryFn: () => consent.get(uid), retry: false, refetchOnWindowFocus: false });
  let content;
  if (details.isPending) content = <Loading what="the connection request" />;
  else if (details.isError) {
    const error = details.error;
    if (error instanceof ApiError && error.status === 401) content = <SignInFirst />;
    else if (error instanceof ApiError && error.status === 410) content = <Expired message={error.message} />;
    else content = <ErrorState error={error} retry={() => void details.refetch()} />;
  } else content = <Consent uid={uid} details={details.data} />;
  return (
    <main id="main" className="signed-out consent">
      {content}
    </main>
  );
}
