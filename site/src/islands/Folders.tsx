import { useEffect, useState } from 'preact/hooks';
import { api, gridItems, type Asset } from '../lib/api';
import PhotoGrid from './PhotoGrid';
import Viewer from './Viewer';

/** The folders one level below `current` ('' is the top) among every folder that holds photos. */
function subfolders(paths: string[], current: string): string[] {
  const prefix = current === '' ? '' : `${current}/`;
  const children = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(prefix) || p === current) continue;
    const rest = p.slice(prefix.length).replace(/^\//, '');
    const first = rest.split('/')[0];
    if (first) children.add(`${prefix}${p.startsWith('/') && prefix === '' ? '/' : ''}${first}`);
  }
  return [...children].sort();
}

/**
 * Folders: your photos by where they came from — an external library's folders as they are on
 * disk, uploads by month (Uploads/2024/05). One level at a time, with the path as breadcrumbs.
 */
export default function Folders() {
  const current = new URLSearchParams(location.search).get('path') ?? '';
  const [paths, setPaths] = useState<string[] | undefined>();
  const [assets, setAssets] = useState<Asset[]>([]);
  const [open, setOpen] = useState<string | undefined>();
  useEffect(() => void api<string[]>('GET', '/view/folder/unique-paths').then(setPaths), []);
  useEffect(() => {
    if (paths?.includes(current)) void api<Asset[]>('GET', `/view/folder?path=${encodeURIComponent(current)}`).then(setAssets);
  }, [paths, current]);

  if (!paths) return <p class="empty">Loading…</p>;
  const link = (path: string) => `/folders/${path ? `?path=${encodeURIComponent(path)}` : ''}`;
  const levels = current.split('/').filter(Boolean);
  const crumbs = levels.map((name, i) => ({ name, path: `${current.startsWith('/') ? '/' : ''}${levels.slice(0, i + 1).join('/')}` }));
  const below = subfolders(paths, current);
  const items = gridItems(assets);
  return (
    <div>
      <nav aria-label="Folder path" class="crumbs">
        <a href={link('')} aria-current={current === '' ? 'page' : undefined}>
          All folders
        </a>
        {crumbs.map((c) => (
          <span key={c.path}>
            {' / '}
            <a href={link(c.path)} aria-current={c.path === current ? 'page' : undefined}>
              {c.name}
            </a>
          </span>
        ))}
      </nav>
      {paths.length === 0 && <p class="empty">No folders yet: upload photos, or add an external library.</p>}
      {below.length > 0 && (
        <ul class="folder-list" aria-label="Folders">
          {below.map((p) => (
            <li key={p}>
              <a class="button" href={link(p)}>
                <span aria-hidden="true">📁 </span>
                {p.slice(p.lastIndexOf('/') + 1)}
              </a>
            </li>
          ))}
        </ul>
      )}
      {paths.includes(current) && <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />}
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
