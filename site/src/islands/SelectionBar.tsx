import { useState } from 'preact/hooks';
import { api } from '../lib/api';
import { downloadOriginals } from '../lib/download-originals';

interface Props {
  ids: string[];
  /** The page it is on: a partner's photos can only be downloaded; the trash restores or deletes. */
  kind: 'library' | 'favorites' | 'archive' | 'trash' | 'partner' | 'locked';
  /** Called after a change that may move the selection off this page. */
  onChanged(): void;
  onClear(): void;
}

/** What can be done with the selected photos, by page: favourite, archive, trash, album, share, download… */
export default function SelectionBar({ ids, kind, onChanged, onClear }: Props) {
  // A refused change is not caught here: the layout's alert says why (App.astro).
  const run = (change: () => Promise<unknown>) => () => void change().then(onChanged);
  const edit = (change: Record<string, unknown>) => run(() => api('PUT', '/assets', { ids, ...change }));
  const destroy = () => {
    if (confirm(`Delete ${ids.length} for good? This cannot be undone.`)) run(() => api('DELETE', '/assets', { ids, force: true }))();
  };
  return (
    <div class="selection" role="toolbar" aria-label={`${ids.length} selected`}>
      <strong>{ids.length} selected</strong>
      {kind === 'trash' && (
        <>
          <button class="button" onClick={run(() => api('POST', '/trash/restore/assets', { ids }))}>Restore</button>
          <button class="button" onClick={destroy}>Delete for good</button>
        </>
      )}
      {kind === 'locked' && (
        <>
          <button class="button" onClick={edit({ visibility: 'timeline' })}>Move out of locked folder</button>
          <button class="button" onClick={destroy}>Delete for good</button>
        </>
      )}
      {kind !== 'trash' && kind !== 'partner' && kind !== 'locked' && (
        <>
          {kind === 'favorites' ? (
            <button class="button" onClick={edit({ isFavorite: false })}>Remove from favourites</button>
          ) : (
            <button class="button" onClick={edit({ isFavorite: true })}>Favourite</button>
          )}
          {kind === 'archive' ? (
            <button class="button" onClick={edit({ visibility: 'timeline' })}>Unarchive</button>
          ) : (
            <button class="button" onClick={edit({ visibility: 'archive' })}>Archive</button>
          )}
          <button class="button" onClick={run(() => api('DELETE', '/assets', { ids }))}>Move to trash</button>
          <button class="button" onClick={edit({ visibility: 'locked' })}>Move to locked folder</button>
          <AddToAlbum ids={ids} onDone={onClear} />
          <ShareSelection key={ids.join()} ids={ids} />
        </>
      )}
      <DownloadSelection key={ids.join()} ids={ids} />
      <button class="button" onClick={onClear}>Clear</button>
    </div>
  );
}

/** Selected photos into an album: an existing one, or a new one named here. */
function AddToAlbum({ ids, onDone }: { ids: string[]; onDone(): void }) {
  const [albums, setAlbums] = useState<Array<{ id: string; albumName: string }> | undefined>();
  const [message, setMessage] = useState('');
  if (!albums) return <button class="button" onClick={() => api<Array<{ id: string; albumName: string }>>('GET', '/albums').then(setAlbums)}>Add to album</button>;
  async function add(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const chosen = String(form.get('album'));
    const name = String(form.get('name') ?? '').trim();
    if (chosen === 'new') {
      const album = await api<{ albumName: string }>('POST', '/albums', { albumName: name || 'New album', assetIds: ids });
      setMessage(`Added to ${album.albumName}`);
    } else {
      await api('PUT', `/albums/${chosen}/assets`, { ids });
      setMessage(`Added to ${albums!.find((a) => a.id === chosen)?.albumName}`);
    }
    onDone();
  }
  return (
    <form onSubmit={add} class="add-to-album">
      <label>
        Album{' '}
        <select name="album">
          <option value="new">New album…</option>
          {albums.map((a) => (
            <option key={a.id} value={a.id}>
              {a.albumName}
            </option>
          ))}
        </select>
      </label>
      <input name="name" placeholder="New album name" aria-label="New album name" />
      <button class="button primary" type="submit">Add</button>
      {message && <span role="status">{message}</span>}
    </form>
  );
}

/** A link anyone can open to see the selected photos (an individual shared link). */
function ShareSelection({ ids }: { ids: string[] }) {
  const [link, setLink] = useState('');
  if (link) return <input readOnly value={link} aria-label="Link to the selected photos" size={40} onFocus={(e) => e.currentTarget.select()} />;
  return (
    <button
      class="button"
      onClick={async () => {
        const created = await api<{ key: string }>('POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: ids, allowDownload: true, showMetadata: true });
        setLink(`${location.origin}/s/?key=${created.key}`);
      }}
    >
      Share
    </button>
  );
}

/** The originals of the selection: one file, or zip archives made in the browser. */
function DownloadSelection({ ids }: { ids: string[] }) {
  const [state, setState] = useState('');
  return (
    <>
      <button
        class="button"
        disabled={state.startsWith('Fetching')}
        onClick={() => {
          setState(`Fetching 0 of ${ids.length}…`);
          downloadOriginals(ids, (done, total) => setState(`Fetching ${done} of ${total}…`)).then(
            () => setState('Downloaded'),
            (e: Error) => setState(`Download failed: ${e.message}`),
          );
        }}
      >
        Download
      </button>
      {state && <span role="status">{state}</span>}
    </>
  );
}
