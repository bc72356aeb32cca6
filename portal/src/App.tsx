import { useQuery } from '@tanstack/react-query';
import { Link, Route, Router, Switch, useLocation } from 'wouter';
import { session, setCsrfToken } from './api/client';
import { ErrorState, Loading } from './components/states';
import { CatalogPage } from './pages/catalog/CatalogPage';
import { EndpointPage } from './pages/endpoint/EndpointPage';
import { EndpointsPage } from './pages/endpoints/EndpointsPage';
import { KeysPage } from './pages/keys/KeysPage';
import { ConnectedAppsPage } from './pages/apps/ConnectedAppsPage';
import { ConsentPage } from './pages/connect/ConsentPage';
import { OverviewPage } from './pages/overview/OverviewPage';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/endpoints', label: 'Endpoints' },
  { href: '/catalog', label: 'Event catalog' },
  { href: '/keys', label: 'API keys' },
  { href: '/apps', label: 'Connected apps' },
];

function Nav() {
  const [location] = useLocation();
  const current = (href: string) => (href === '/' ? location === '/' : location.startsWith(href));
  return (
    <nav aria-label="Portal">
      <ul>
        {NAV.map((item) => (
          <li key={item.href}>
            <Link href={item.href} aria-current={current(item.href) ? 'page' : undefined}>
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function SignedOut({ message }: { message: string }) {
  return (
    <main id="main" className="signed-out">
      <h1>NebulaHex portal</h1>
      <p>{message}</p>
      <p>Open the portal again from your NebulaHex dashboard, or ask an admin of your workspace for a new sign-in link.</p>
    </main>
  );
}

/** An app's consent request: its own page, which works (and says how to sign in) without a session. */
const CONSENT_PATH = /^\/portal\/connect\/([A-Za-z0-9_-]+)$/;

export function App() {
  const consentUid = CONSENT_PATH.exec(window.location.pathname)?.[1];
  return consentUid ? <ConsentPage uid={consentUid} /> : <Portal />;
}

function Portal() {
  const me = useQuery({ queryKey: ['session'], queryFn: session.get, retry: false, staleTime: 60_000 });
  if (me.isPending) return <Loading what="your session" />;
  if (me.isError) {
    const status = (me.error as { status?: number }).status;
    if (status === 401) return <SignedOut message="You are not signed in, or your session has ended." />;
    return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  }
  setCsrfToken(me.data.csrfToken);
  const signOut = async () => {
    await session.signOut();
    await me.refetch();
  };
  return (
    <Router base="/portal">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <div className="brand">
          NebulaHex <span>· {me.data.workspace.name}</span>
        </div>
        <Nav />
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/endpoints" component={EndpointsPage} />
          <Route path="/endpoints/:id">{(params) => <EndpointPage hookId={params.id} />}</Route>
          <Route path="/catalog" component={CatalogPage} />
          <Route path="/keys" component={KeysPage} />
          <Route path="/apps" component={ConnectedAppsPage} />
          <Route>
            <h1>Page not found</h1>
            <p>
              <Link href="/">Back to the overview</Link>
            </p>
          </Route>
        </Switch>
      </main>
    </Router>
  );
}
