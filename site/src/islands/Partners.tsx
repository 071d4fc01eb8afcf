import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import UserSelect, { type UserChoice as User } from './UserSelect';

interface Partner extends User {
  inTimeline?: boolean;
}

/** Share your whole library with someone, see who shares with you, and show theirs in your timeline. */
export default function Partners() {
  const [mine, setMine] = useState<Partner[]>([]);
  const [theirs, setTheirs] = useState<Partner[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const load = async () => {
    const [byMe, withMe, everyone, me] = await Promise.all([
      api<Partner[]>('GET', '/partners?direction=shared-by'),
      api<Partner[]>('GET', '/partners?direction=shared-with'),
      api<User[]>('GET', '/users'),
      api<User>('GET', '/users/me'),
    ]);
    setMine(byMe);
    setTheirs(withMe);
    setUsers(everyone.filter((u) => u.id !== me.id && !byMe.some((p) => p.id === u.id)));
  };
  useEffect(() => void load(), []);

  return (
    <div class="settings">
      <section aria-labelledby="shared-by">
        <h2 id="shared-by">You share your library with</h2>
        <ul>
          {mine.map((p) => (
            <li key={p.id}>
              {p.name} ({p.email}){' '}
              <button class="button" onClick={() => api('DELETE', `/partners/${p.id}`).then(load)}>
                Stop sharing
              </button>
            </li>
          ))}
        </ul>
        {users.length > 0 && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void api('POST', '/partners', { sharedWithId: String(new FormData(e.currentTarget).get('user')) }).then(load);
            }}
          >
            <UserSelect label="Share with" name="user" users={users} />
            <button class="button primary" type="submit">Share</button>
          </form>
        )}
      </section>
      <section aria-labelledby="shared-with">
        <h2 id="shared-with">Shared with you</h2>
        {theirs.length === 0 && <p class="empty">Nobody shares their library with you yet.</p>}
        <ul>
          {theirs.map((p) => (
            <li key={p.id}>
              <a href={`/?userId=${p.id}`}>{p.name}’s photos</a>{' '}
              <label>
                <input type="checkbox" checked={p.inTimeline} onChange={(e) => api('PUT', `/partners/${p.id}`, { inTimeline: e.currentTarget.checked }).then(load)} /> Show in my timeline
              </label>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
