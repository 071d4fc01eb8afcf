import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';

interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
}

/** Where the identity provider sends the browser back after linking (Immich's address for it). */
const LINK_RETURN_PATH = '/user-settings';

const problem = (e: unknown, fallback: string) => (e instanceof ApiError ? e.message : fallback);

/** Your password, your link to the server's identity provider, and API keys (for the CLI and Immich apps); the new key's secret is shown once. */
export default function Account() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [secret, setSecret] = useState('');
  const [message, setMessage] = useState('');
  const [oauth, setOAuth] = useState<{ enabled: boolean; linked: boolean; message: string }>({ enabled: false, linked: false, message: '' });
  const load = () => api<ApiKey[]>('GET', '/api-keys').then(setKeys);
  const loadOAuth = (message = '') =>
    Promise.all([api<{ oauth?: boolean }>('GET', '/server/features'), api<{ oauthId?: string }>('GET', '/users/me')]).then(([features, me]) =>
      setOAuth({ enabled: features.oauth === true || !!me.oauthId, linked: !!me.oauthId, message }),
    );
  useEffect(() => {
    void load();
    const params = new URLSearchParams(location.search);
    if (!params.has('code')) return void loadOAuth();
    // Back from the provider after "Link": finish linking with the URL it sent us to.
    // The URL as the provider knows it (this page is served at /user-settings/ too): the code is bound to it.
    void api('POST', '/oauth/link', { url: `${location.origin}${LINK_RETURN_PATH}${location.search}` })
      .then(
        () => loadOAuth('Your account is now linked.'),
        (e) => loadOAuth(problem(e, 'The account could not be linked')),
      )
      .finally(() => history.replaceState(null, '', location.pathname));
  }, []);

  async function linkOAuth() {
    try {
      const { url } = await api<{ url: string }>('POST', '/oauth/authorize', { redirectUri: `${location.origin}${LINK_RETURN_PATH}` });
      location.href = url;
    } catch (e) {
      setOAuth({ ...oauth, message: problem(e, 'The identity provider cannot be reached') });
    }
  }

  async function unlinkOAuth() {
    await api('POST', '/oauth/unlink');
    await loadOAuth('Your account is no longer linked.');
  }

  async function changePassword(event: Event) {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement; // gone from the event once it has been handled
    const form = new FormData(element);
    try {
      await api('POST', '/auth/change-password', { password: form.get('password'), newPassword: form.get('newPassword'), invalidateSessions: true });
      setMessage('Password changed; other devices were signed out.');
      element.reset();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : 'The password could not be changed');
    }
  }

  async function createKey(event: Event) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget as HTMLFormElement).get('name'));
    const created = await api<{ secret: string }>('POST', '/api-keys', { name });
    setSecret(created.secret);
    await load();
  }

  return (
    <div class="settings">
      <section aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        <form onSubmit={changePassword}>
          <label>
            Current password <input name="password" type="password" required autoComplete="current-password" />
          </label>
          <label>
            New password <input name="newPassword" type="password" required minLength={8} autoComplete="new-password" />
          </label>
          <button class="button primary" type="submit">Change password</button>
          {message && <p role="status">{message}</p>}
        </form>
      </section>
      {oauth.enabled && (
        <section aria-labelledby="oauth-title">
          <h2 id="oauth-title">Identity provider</h2>
          <p>{oauth.linked ? 'You can sign in with the server’s identity provider.' : 'Link your account to sign in with the server’s identity provider.'}</p>
          {oauth.linked ? (
            <button class="button" type="button" onClick={() => void unlinkOAuth()}>
              Unlink
            </button>
          ) : (
            <button class="button primary" type="button" onClick={() => void linkOAuth()}>
              Link
            </button>
          )}
          {oauth.message && <p role="status">{oauth.message}</p>}
        </section>
      )}
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <form onSubmit={createKey}>
          <label>
            Name <input name="name" required maxLength={200} placeholder="Laptop CLI" />
          </label>
          <button class="button" type="submit">Create key</button>
        </form>
        {secret && (
          <p role="status">
            Copy it now, it is shown once: <input readOnly value={secret} aria-label="New API key" size={48} onFocus={(e) => e.currentTarget.select()} />
          </p>
        )}
        <ul>
          {keys.map((k) => (
            <li key={k.id}>
              {k.name} <small>{new Date(k.createdAt).toLocaleDateString()}</small>{' '}
              <button class="button" onClick={() => api('DELETE', `/api-keys/${k.id}`).then(load)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
