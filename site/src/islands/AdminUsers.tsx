import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import AdminTable from './AdminTable';

interface User {
  id: string;
  name: string;
  email: string;
  isAdmin: boolean;
  quotaSizeInBytes: number | null;
  quotaUsageInBytes: number | null;
}

const GB = 1024 ** 3;

/** The admin's user list: add someone (with a storage quota), change a quota, remove someone (restorable for a while). */
export default function AdminUsers() {
  const [users, setUsers] = useState<User[]>([]);
  const [message, setMessage] = useState('');
  const load = () => api<User[]>('GET', '/admin/users').then(setUsers);
  useEffect(() => void load(), []);

  async function create(event: Event) {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    const quota = Number(form.get('quota'));
    try {
      await api('POST', '/admin/users', {
        name: form.get('name'),
        email: form.get('email'),
        password: form.get('password'),
        quotaSizeInBytes: quota > 0 ? Math.round(quota * GB) : null,
        shouldChangePassword: true,
      });
      setMessage(`${String(form.get('email'))} can log in now`);
      element.reset();
      await load();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : 'The user could not be created');
    }
  }

  async function setQuota(event: Event, user: User) {
    event.preventDefault();
    const gb = Number(new FormData(event.currentTarget as HTMLFormElement).get('quota'));
    await api('PUT', `/admin/users/${user.id}`, { quotaSizeInBytes: gb > 0 ? Math.round(gb * GB) : null });
    setMessage(gb > 0 ? `${user.email} may now keep ${gb} GB` : `${user.email} has no quota now`);
    await load();
  }

  return (
    <div class="settings">
      <AdminTable columns={['Name', 'Email', 'Storage']}>
          {users.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                {u.name}
                {u.isAdmin ? ' (admin)' : ''}
              </th>
              <td>{u.email}</td>
              <td>
                {((u.quotaUsageInBytes ?? 0) / GB).toFixed(2)} GB{u.quotaSizeInBytes ? ` of ${(u.quotaSizeInBytes / GB).toFixed(0)} GB` : ''}
                <form class="quota" onSubmit={(e) => void setQuota(e, u)}>
                  <input name="quota" type="number" min={0} step="any" aria-label={`Quota for ${u.email} in GB (empty: none)`} placeholder="GB" size={5} />
                  <button class="button" type="submit" aria-label={`Set the quota for ${u.email}`}>
                    Set quota
                  </button>
                </form>
              </td>
              <td>
                {!u.isAdmin && (
                  <button class="button" onClick={() => api('DELETE', `/admin/users/${u.id}`, {}).then(load)}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
      </AdminTable>
      <section aria-labelledby="new-user">
        <h2 id="new-user">Add a user</h2>
        <form onSubmit={create}>
          <label>
            Name <input name="name" required maxLength={200} />
          </label>
          <label>
            Email <input name="email" type="email" required />
          </label>
          <label>
            First password <input name="password" type="password" required minLength={8} autoComplete="new-password" />
          </label>
          <label>
            Storage quota in GB (empty: none) <input name="quota" type="number" min={0} step="any" />
          </label>
          <button class="button primary" type="submit">Add user</button>
          {message && <p role="status">{message}</p>}
        </form>
      </section>
    </div>
  );
}
