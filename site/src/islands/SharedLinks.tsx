import { useEffect, useState } from 'preact/hooks';
import { api, thumbnailUrl, type Album } from '../lib/api';

interface Link {
  id: string;
  key: string;
  type: 'ALBUM' | 'INDIVIDUAL';
  description: string | null;
  hasPassword: boolean;
  expiresAt: string | null;
  allowDownload: boolean;
  showMetadata: boolean;
  album?: Album;
}

const linkUrl = (l: Link) => `${location.origin}/s/?key=${l.key}`;

/** Every link you have shared: copy it, change its expiry and what it allows, or revoke it. */
export default function SharedLinks() {
  const [links, setLinks] = useState<Link[] | undefined>();
  const load = () => api<Link[]>('GET', '/shared-links').then(setLinks);
  useEffect(() => void load(), []);
  const change = (l: Link, body: Record<string, unknown>) => api('PATCH', `/shared-links/${l.id}`, body).then(load);

  if (!links) return <p class="empty">Loading…</p>;
  if (links.length === 0) return <p class="empty">Nothing shared by link yet. Share an album from its page, or select photos in the timeline and choose Share.</p>;
  return (
    <ul class="shared-links">
      {links.map((l) => {
        const title = l.album?.albumName ?? l.description ?? 'Selected photos';
        const expired = l.expiresAt !== null && new Date(l.expiresAt) <= new Date();
        return (
          <li key={l.id} aria-label={title}>
            {l.album?.albumThumbnailAssetId ? <img src={thumbnailUrl(l.album.albumThumbnailAssetId)} alt="" width={64} height={64} /> : <span class="cover" />}
            <div>
              <strong>{title}</strong>
              <p class="muted">
                {l.type === 'ALBUM' ? 'Album' : 'Photos'}
                {l.hasPassword ? ' · password' : ''}
                {expired ? ' · expired' : l.expiresAt ? ` · until ${new Date(l.expiresAt).toLocaleDateString()}` : ''}
              </p>
              <input readOnly value={linkUrl(l)} aria-label={`Link to ${title}`} size={50} onFocus={(e) => e.currentTarget.select()} />
              <div class="actions">
                <label>
                  Expires{' '}
                  <input
                    type="date"
                    value={l.expiresAt?.slice(0, 10) ?? ''}
                    onChange={(e) => void change(l, { expiresAt: e.currentTarget.value ? `${e.currentTarget.value}T23:59:59.999Z` : null })}
                  />
                </label>
                <label>
                  <input type="checkbox" checked={l.allowDownload} onChange={(e) => void change(l, { allowDownload: e.currentTarget.checked })} /> Allow downloads
                </label>
                <label>
                  <input type="checkbox" checked={l.showMetadata} onChange={(e) => void change(l, { showMetadata: e.currentTarget.checked })} /> Show place and camera
                </label>
                <button class="button" aria-label={`Revoke the link to ${title}`} onClick={() => api('DELETE', `/shared-links/${l.id}`).then(load)}>
                  Revoke
                </button>
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
