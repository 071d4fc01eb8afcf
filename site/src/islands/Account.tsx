import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';

interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
}

/** Your password and API keys (for the CLI and Immich apps); the new key's secret is shown once. */
export default function Account() {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [secret, setSecret] = useState('');
  const [message, setMessage] = useState('');
  const load = () => api<ApiKey[]>('GET', '/api-keys').then(setKeys);
  useEffect(() => void load(), []);

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
