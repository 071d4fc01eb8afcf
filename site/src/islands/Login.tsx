import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { sameOriginPath } from '../lib/same-origin-path';

/** Log in, or — on a new server — create the first (admin) account. */
export default function Login() {
  const [firstRun, setFirstRun] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api<{ isInitialized?: boolean }>('GET', '/server/config').then(
      (c) => setFirstRun(c.isInitialized === false),
      () => setFirstRun(false),
    );
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    setBusy(true);
    setError('');
    try {
      if (firstRun) await api('POST', '/auth/admin-sign-up', { email, password, name: String(form.get('name') || email) });
      await api('POST', '/auth/login', { email, password });
      location.href = sameOriginPath(new URLSearchParams(location.search).get('next'));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The server cannot be reached');
      setBusy(false);
    }
  }

  return (
    <form class="card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{firstRun ? 'Welcome to Shoebox' : 'Log in to Shoebox'}</h1>
      {firstRun && <p>Create the administrator account.</p>}
      {firstRun && (
        <label>
          Name <input name="name" autoComplete="name" />
        </label>
      )}
      <label>
        Email <input name="email" type="email" required autoComplete="username" />
      </label>
      <label>
        Password <input name="password" type="password" required minLength={firstRun ? 8 : 1} autoComplete={firstRun ? 'new-password' : 'current-password'} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="button primary" type="submit" disabled={busy}>
        {firstRun ? 'Create account' : 'Log in'}
      </button>
    </form>
  );
}
