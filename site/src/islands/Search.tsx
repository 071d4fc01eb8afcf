import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, gridItems, type Asset } from '../lib/api';
import PhotoGrid, { type GridItem } from './PhotoGrid';
import Viewer from './Viewer';

interface Person {
  id: string;
  name: string;
}

/** Smart search with filter chips; results in the same grid and viewer as the timeline. */
export default function Search() {
  const params = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  const [query] = useState(params.get('q') ?? '');
  const [type, setType] = useState(params.get('type') ?? '');
  const [personId, setPersonId] = useState(params.get('person') ?? '');
  const [people, setPeople] = useState<Person[]>([]);
  const [results, setResults] = useState<Asset[] | undefined>();
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>();

  useEffect(() => {
    void api<{ people: Person[] }>('GET', '/people').then((p) => setPeople(p.people), () => setPeople([]));
  }, []);

  useEffect(() => {
    if (!query) return;
    setResults(undefined);
    setError('');
    const body = { query, size: 100, ...(type ? { type } : {}), ...(personId ? { personIds: [personId] } : {}) };
    api<{ assets: { items: Asset[] } }>('POST', '/search/smart', body).then(
      (r) => setResults(r.assets.items),
      (e) => setError(e instanceof ApiError ? e.message : 'Search failed'),
    );
  }, [query, type, personId]);

  const items: GridItem[] = gridItems(results ?? []);
  return (
    <div>
      <h1>{query ? `Results for “${query}”` : 'Search your photos by what is in them'}</h1>
      <div class="chips" role="group" aria-label="Filters">
        <label>
          Type{' '}
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">Photos and videos</option>
            <option value="IMAGE">Photos</option>
            <option value="VIDEO">Videos</option>
          </select>
        </label>
        {people.length > 0 && (
          <label>
            Person{' '}
            <select value={personId} onChange={(e) => setPersonId(e.currentTarget.value)}>
              <option value="">Anyone</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name || 'Unnamed'}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {query && !results && !error && <p class="empty">Searching…</p>}
      {results && results.length === 0 && <p class="empty">Nothing found.</p>}
      {results && <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />}
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}
