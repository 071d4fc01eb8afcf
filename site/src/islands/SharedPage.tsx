import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, gridItems, sharedKey, type Album, type Asset } from '../lib/api';
import PhotoGrid from './PhotoGrid';
import Viewer from './Viewer';

interface Link {
  album?: Album;
  assets: Asset[];
  description: string | null;
}

/** What a shared link's holder sees, signed in or not: its photos, after its password if it has one. */
export default function SharedPage() {
  const key = sharedKey() ?? '';
  const [link, setLink] = useState<Link | undefined>();
  const [needsPassword, setNeedsPassword] = useState(false);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>();

  const openLink = async (password?: string) => {
    try {
      const query = `key=${encodeURIComponent(key)}${password ? `&password=${encodeURIComponent(password)}` : ''}`;
      setLink(await api<Link>('GET', `/shared-links/me?${query}`));
      setNeedsPassword(false);
      setError('');
    } catch (e) {
      const message = e instanceof ApiError ? e.message : 'The link cannot be opened';
      if (/password/i.test(message)) {
        setNeedsPassword(true);
        // The server's "Invalid password", said as a person would; throttling keeps its own words.
        if (password) setError(message === 'Invalid password' ? 'Wrong password — try again.' : message);
      } else setError(message);
    }
  };
  useEffect(() => void openLink(), []);

  if (needsPassword) {
    return (
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void openLink(String(new FormData(e.currentTarget).get('password')));
        }}
      >
        <h1>This album is protected</h1>
        <label>
          Password <input name="password" type="password" required autoFocus />
        </label>
        {error && <p class="error" role="alert">{error}</p>}
        <button class="button primary" type="submit">Open</button>
      </form>
    );
  }
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!link) return <p class="empty">Loading…</p>;
  const items = gridItems(link.assets);
  return (
    <div>
      <h1>{link.album?.albumName ?? link.description ?? 'Shared photos'}</h1>
      <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
