import { useEffect, useState } from 'preact/hooks';
import { api, thumbnailUrl, type Album } from '../lib/api';

/** Your albums and the ones shared with you, newest first; create one by name. */
export default function Albums() {
  const [albums, setAlbums] = useState<Album[] | undefined>();
  const load = async () => {
    const [mine, shared] = await Promise.all([api<Album[]>('GET', '/albums'), api<Album[]>('GET', '/albums?shared=true')]);
    setAlbums([...new Map([...mine, ...shared].map((a) => [a.id, a])).values()]);
  };
  useEffect(() => void load(), []);

  async function create(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('albumName') as HTMLInputElement;
    const album = await api<Album>('POST', '/albums', { albumName: input.value });
    location.href = `/album/?id=${album.id}`;
  }

  return (
    <div>
      <form class="actions" onSubmit={create}>
        <label class="sr-only" for="albumName">New album name</label>
        <input id="albumName" name="albumName" required maxLength={500} placeholder="New album name" />
        <button class="button primary" type="submit">Create album</button>
      </form>
      {!albums && <p class="empty">Loading…</p>}
      {albums?.length === 0 && <p class="empty">No albums yet. Create one, or select photos in the timeline and add them.</p>}
      <ul class="albums">
        {albums?.map((a) => (
          <li key={a.id}>
            <a href={`/album/?id=${a.id}`}>
              {a.albumThumbnailAssetId ? <img src={thumbnailUrl(a.albumThumbnailAssetId)} alt="" loading="lazy" /> : <span class="cover" />}
              <strong>{a.albumName}</strong>
              <span>
                {a.assetCount} {a.assetCount === 1 ? 'item' : 'items'}
                {a.shared ? ' · shared' : ''}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
