/** Paste an API token (MERIDIAN_TOKEN, or one made with `meridian tokens create`); it is checked before it is kept. */
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import type { Me } from '../api/types';
import { setToken } from '../auth/session';

export function SignIn({ reason }: { reason: string | null }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(reason);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    const token = value.trim();
    if (token === '') return;
    setBusy(true);
    try {
      await api<Me>('me', { token });
      setToken(token);
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 401
          ? 'That token is not known to this server, or it was revoked.'
          : error instanceof Error
            ? error.message
            : String(error),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form
        className="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h1>Meridian</h1>
        <p>Paste an API token to see this server's pipelines. It is kept in this tab only (session storage).</p>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" autoFocus value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {problem !== null && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        <p className="small muted">
          An admin sets <code>MERIDIAN_TOKEN</code> when starting <code>meridian serve</code>; others are made with{' '}
          <code>meridian tokens create --role viewer|operator|admin --name NAME</code>.
        </p>
      </form>
    </main>
  );
}
