/**
 * The Ferry dashboard: a single page over the HTTP API. Routes live in the URL hash (#/hosts/db1) so the
 * server serves one index.html for every page. Operator buttons are shown by role; the API enforces roles
 * whatever the page shows.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, logout, type Me } from './api';
import { Login } from './login';
import { OverviewPage } from './overview';
import { HostsPage } from './hosts';
import { HostPage } from './host';
import { RolloutsPage } from './rollouts';
import { RolloutPage } from './rollout';
import './style.css';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = (): void => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function Page({ hash, me }: { hash: string; me: Me }) {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/').map(decodeURIComponent);
  if (parts[0] === 'hosts' && parts[1]) return <HostPage name={parts[1]} />;
  if (parts[0] === 'hosts') return <HostsPage />;
  if (parts[0] === 'rollouts' && parts[1]) return <RolloutPage id={parts[1]} me={me} />;
  if (parts[0] === 'rollouts') return <RolloutsPage me={me} />;
  return <OverviewPage />;
}

function App() {
  const hash = useHash();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    get<Me>('/api/me').then(setMe, (e: unknown) => { if (e instanceof ApiError && e.status === 401) setMe(null); else throw e; });
  }, []);
  if (me === undefined) return <p class="boot">Ferry</p>;
  if (me === null) return <Login onLogin={setMe} />;
  const nav = [['#/', 'Overview'], ['#/hosts', 'Hosts'], ['#/rollouts', 'Rollouts']] as const;
  return (
    <>
      <header>
        <strong>Ferry</strong>
        <nav>{nav.map(([href, label]) => <a href={href} class={(href === '#/' ? hash === '#/' : hash.startsWith(href)) ? 'active' : ''}>{label}</a>)}</nav>
        <span class="me" data-testid="me">{me.name} · {me.role}</span>
        <button class="link" onClick={() => logout().then(() => setMe(null))}>Log out</button>
      </header>
      <main><Page hash={hash} me={me} /></main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
