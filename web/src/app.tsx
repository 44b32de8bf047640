/** The shell: sign-in until a token is known, then the header and the page the hash names. */
import { useSyncExternalStore } from 'react';
import { useMe } from './api/queries';
import { MeContext } from './auth/me-context';
import { getToken, setToken, subscribeToken } from './auth/session';
import { HaltBanner } from './components/halt-banner';
import { HaltControl } from './components/halt-control';
import { ThemeToggle } from './components/theme-toggle';
import { ExecutionPage } from './pages/execution-page';
import { ExecutionsPage } from './pages/executions-page';
import { NightPage } from './pages/night-page';
import { PipelinesPage } from './pages/pipelines-page';
import { SignIn } from './pages/sign-in';
import { href, useRoute, type Route } from './router';

export function App() {
  const token = useSyncExternalStore(subscribeToken, getToken);
  const me = useMe(token);
  if (token === null) return <SignIn reason={null} />;
  if (me.error) return <SignIn reason={me.error.message} />;
  if (!me.data) return <p className="muted center">Signing in…</p>;
  return (
    <MeContext.Provider value={me.data}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href({ page: 'pipelines' })}>
          Meridian
        </a>
        <nav aria-label="Main">
          <a href={href({ page: 'pipelines' })}>Pipelines</a>
          <a href={href({ page: 'executions', pipeline: null, status: null })}>Executions</a>
        </nav>
        <span className="grow" />
        <HaltControl />
        <span className="small" data-testid="who">
          {me.data.name} · <strong>{me.data.role}</strong>
          {!me.data.canOperate && ' (read-only)'}
        </span>
        <ThemeToggle />
        <button type="button" className="quiet" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <HaltBanner />
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </MeContext.Provider>
  );
}

function Page() {
  const route: Route = useRoute();
  switch (route.page) {
    case 'pipelines':
      return <PipelinesPage />;
    case 'executions':
      return <ExecutionsPage pipeline={route.pipeline} status={route.status} />;
    case 'execution':
      // Keyed by id: opening another execution (a rollback just started) starts with fresh forms.
      return <ExecutionPage key={route.id} id={route.id} action={route.action} />;
    case 'night':
      return <NightPage pipeline={route.pipeline} />;
  }
}
