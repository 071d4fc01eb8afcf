import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { sameOriginPath } from '../lib/same-origin-path';

interface LoginOptions {
  firstRun: boolean;
  passwordLogin: boolean;
  oauth: boolean;
  oauthButtonText: string;
}

/** Where the identity provider sends the browser back: this page, as Immich's web app registers it. */
const OAUTH_RETURN_PATH = '/auth/login';

const problem = (e: unknown) => (e instanceof ApiError ? e.message : 'The server cannot be reached');

/** Log in (password, or the admin's identity provider), or — on a new server — create the first (admin) account. */
export default function Login() {
  const [options, setOptions] = useState<LoginOptions>({ firstRun: false, passwordLogin: true, oauth: false, oauthButtonText: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Rendered at build time, the form works only once the script runs: until then the buttons
  // stay disabled, or a quick click would send the browser's own GET with the password in the URL.
  const [ready, setReady] = useState(false);
  // Read when used: the page is also rendered at build time, where there is no location.
  const query = () => new URLSearchParams(location.search);
  const next = () => sameOriginPath(query().get('next') ?? sessionStorage.getItem('shoebox.oauth.next'));

  async function startOAuth() {
    setBusy(true);
    setError('');
    try {
      sessionStorage.setItem('shoebox.oauth.next', query().get('next') ?? '/');
      const { url } = await api<{ url: string }>('POST', '/oauth/authorize', { redirectUri: `${location.origin}${OAUTH_RETURN_PATH}` });
      location.href = url;
    } catch (e) {
      setError(problem(e));
      setBusy(false);
    }
  }

  useEffect(() => {
    setReady(true);
    const params = query();
    // Back from the provider: finish the sign-in with the URL it sent us to.
    if (params.has('code') || params.has('error')) {
      setBusy(true);
      const providerError = params.get('error_description') ?? params.get('error');
      if (providerError) {
        setError(`The sign-in was not completed: ${providerError}`);
        setBusy(false);
        return;
      }
      // The URL as the provider knows it (this page is served at /auth/login/ too): the code is bound to it.
      void api('POST', '/oauth/callback', { url: `${location.origin}${OAUTH_RETURN_PATH}${location.search}` }).then(
        () => (location.href = next()),
        (e) => {
          setError(problem(e));
          setBusy(false);
          history.replaceState(null, '', location.pathname);
        },
      );
      return;
    }
    void Promise.all([
      api<{ isInitialized?: boolean; oauthButtonText?: string }>('GET', '/server/config'),
      api<{ oauth?: boolean; oauthAutoLaunch?: boolean; passwordLogin?: boolean }>('GET', '/server/features'),
    ]).then(
      ([config, features]) => {
        const firstRun = config.isInitialized === false;
        setOptions({ firstRun, passwordLogin: firstRun || features.passwordLogin !== false, oauth: !firstRun && features.oauth === true, oauthButtonText: config.oauthButtonText || 'Login with OAuth' });
        if (!firstRun && features.oauth && features.oauthAutoLaunch && params.get('autoLaunch') !== '0') void startOAuth();
      },
      () => undefined,
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
      if (options.firstRun) await api('POST', '/auth/admin-sign-up', { email, password, name: String(form.get('name') || email) });
      await api('POST', '/auth/login', { email, password });
      location.href = next();
    } catch (e) {
      setError(problem(e));
      setBusy(false);
    }
  }

  const { firstRun } = options;
  return (
    <form class="card" method="post" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{firstRun ? 'Welcome to Shoebox' : 'Log in to Shoebox'}</h1>
      {firstRun && <p>Create the administrator account.</p>}
      {firstRun && (
        <label>
          Name <input name="name" autoComplete="name" />
        </label>
      )}
      {options.passwordLogin && (
        <>
          <label>
            Email <input name="email" type="email" required autoComplete="username" />
          </label>
          <label>
            Password <input name="password" type="password" required minLength={firstRun ? 8 : 1} autoComplete={firstRun ? 'new-password' : 'current-password'} />
          </label>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {options.passwordLogin && (
        <button class="button primary" type="submit" disabled={busy || !ready}>
          {firstRun ? 'Create account' : 'Log in'}
        </button>
      )}
      {options.oauth && (
        <button class={options.passwordLogin ? 'button' : 'button primary'} type="button" disabled={busy || !ready} onClick={() => void startOAuth()}>
          {options.oauthButtonText}
        </button>
      )}
    </form>
  );
}
