import { useEffect, useState } from 'preact/hooks';
import { albumGridItems, api, ApiError, type Album } from '../lib/api';
import PhotoGrid, { type GridItem } from './PhotoGrid';
import UserSelect, { type UserChoice as User } from './UserSelect';
import Viewer from './Viewer';

interface Activity {
  id: string;
  type: 'comment' | 'like';
  comment: string | null;
  createdAt: string;
  user: { id: string; name: string };
}


/** One album: its photos, who it is shared with, a share link, and the activity panel (comments and likes). */
export default function AlbumView() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [album, setAlbum] = useState<Album | undefined>();
  const [items, setItems] = useState<GridItem[]>([]);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  const [activity, setActivity] = useState<Activity[]>([]);
  const [link, setLink] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [me, setMe] = useState('');

  const load = async () => {
    try {
      const found = await api<Album>('GET', `/albums/${id}`);
      setItems(await albumGridItems(id, found.order));
      setAlbum(found);
      setActivity(await api<Activity[]>('GET', `/activities?albumId=${id}`).catch(() => []));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The album cannot be loaded');
    }
  };
  useEffect(() => {
    void load();
    void api<User>('GET', '/users/me').then((u) => setMe(u.id), () => undefined);
    void api<User[]>('GET', '/users').then(setUsers, () => setUsers([]));
  }, []);

  async function addMember(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    await api('PUT', `/albums/${id}/users`, { albumUsers: [{ userId: String(form.get('user')), role: String(form.get('role')) }] });
    await load();
  }

  async function share(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = String(form.get('password') ?? '');
    const created = await api<{ key: string }>('POST', '/shared-links', { type: 'ALBUM', albumId: id, allowDownload: true, showMetadata: true, ...(password ? { password } : {}) });
    setLink(`${location.origin}/s/?key=${created.key}`);
  }

  async function post(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('comment') as HTMLInputElement;
    await api('POST', '/activities', { albumId: id, type: 'comment', comment: input.value });
    input.value = '';
    await load();
  }

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!album) return <p class="empty">Loading…</p>;
  const members = album.albumUsers.filter((m) => m.role !== 'owner');
  return (
    <div class="album">
      <h1>{album.albumName}</h1>
      {album.description && <p>{album.description}</p>}
      {album.albumUsers[0]?.user.id === me && (
        <section class="members" aria-label="Shared with">
          <ul>
            {members.map((m) => (
              <li key={m.user.id}>
                {m.user.name} ({m.user.email}) — {m.role === 'editor' ? 'can add photos' : 'can view'}{' '}
                <button class="button" aria-label={`Stop sharing with ${m.user.name}`} onClick={() => api('DELETE', `/albums/${id}/user/${m.user.id}`).then(load)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {users.some((u) => u.id !== me && !album.albumUsers.some((m) => m.user.id === u.id)) && (
            <form class="actions" onSubmit={addMember}>
              <UserSelect label="Share with" name="user" users={users.filter((u) => u.id !== me && !album.albumUsers.some((m) => m.user.id === u.id))} />
              <label>
                Who can{' '}
                <select name="role">
                  <option value="editor">add photos</option>
                  <option value="viewer">only view</option>
                </select>
              </label>
              <button class="button" type="submit">Share</button>
            </form>
          )}
        </section>
      )}
      <form class="actions" onSubmit={share} aria-label="Share this album">
        <label>
          Password (optional) <input name="password" type="password" autoComplete="new-password" />
        </label>
        <button class="button" type="submit">Create share link</button>
      </form>
      {link && (
        <p>
          Share link: <input readOnly value={link} aria-label="Share link" size={60} onFocus={(e) => e.currentTarget.select()} />
        </p>
      )}
      {items.length === 0 && <p class="empty">This album is empty: select photos in the timeline and add them.</p>}
      <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />
      {album.isActivityEnabled && (
        <section class="activity" aria-label="Activity">
          <h2>Activity</h2>
          <ul>
            {activity.map((a) => (
              <li key={a.id}>
                <strong>{a.user.name}</strong> {a.type === 'like' ? 'likes this' : a.comment}
              </li>
            ))}
          </ul>
          <form onSubmit={post}>
            <label class="sr-only" for="comment">Comment</label>
            <input id="comment" name="comment" required maxLength={10_000} placeholder="Say something" />
            <button class="button" type="submit">Send</button>
            <button class="button" type="button" onClick={() => api('POST', '/activities', { albumId: id, type: 'like' }).then(load, load)}>
              ♥ Like
            </button>
          </form>
        </section>
      )}
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
