import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, gridItems, type Asset } from '../lib/api';
import ExploreLibrary from './Explore';
import PhotoGrid, { type GridItem } from './PhotoGrid';
import Viewer from './Viewer';

interface Person {
  id: string;
  name: string;
}

/** The filters a search can carry; each is a URL parameter too, so a search can be bookmarked. */
const FILTERS = ['type', 'person', 'city', 'make', 'after', 'before'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function readFilters(): Filters {
  const params = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);
  return Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Filters;
}

/** Immich's SmartSearchDto from the chips: dates are whole days in the photo's local time. */
function searchBody(query: string, f: Filters) {
  return {
    query,
    size: 100,
    ...(f.type ? { type: f.type } : {}),
    ...(f.person ? { personIds: [f.person] } : {}),
    ...(f.city ? { city: f.city } : {}),
    ...(f.make ? { make: f.make } : {}),
    ...(f.after ? { takenAfter: `${f.after}T00:00:00.000Z` } : {}),
    ...(f.before ? { takenBefore: `${f.before}T23:59:59.999Z` } : {}),
  };
}

/** Smart search with filter chips (type, person, place, camera, dates); results in the timeline's grid and viewer; before a search, Explore. */
export default function Search() {
  const [query] = useState(() => new URLSearchParams(typeof location === 'undefined' ? '' : location.search).get('q') ?? '');
  const [filters, setFilters] = useState<Filters>(readFilters);
  const [people, setPeople] = useState<Person[]>([]);
  const [cities, setCities] = useState<string[]>([]);
  const [makes, setMakes] = useState<string[]>([]);
  const [results, setResults] = useState<Asset[] | undefined>();
  const [error, setError] = useState('');
  const [open, setOpen] = useState<string | undefined>();

  useEffect(() => {
    void api<{ people: Person[] }>('GET', '/people').then((p) => setPeople(p.people), () => setPeople([]));
    void api<string[]>('GET', '/search/suggestions?type=city').then(setCities, () => setCities([]));
    void api<string[]>('GET', '/search/suggestions?type=camera-make').then(setMakes, () => setMakes([]));
  }, []);

  useEffect(() => {
    const params = new URLSearchParams({ q: query });
    for (const f of FILTERS) if (filters[f]) params.set(f, filters[f]);
    history.replaceState(null, '', `?${params}`);
    if (!query) return;
    setResults(undefined);
    setError('');
    api<{ assets: { items: Asset[] } }>('POST', '/search/smart', searchBody(query, filters)).then(
      (r) => setResults(r.assets.items),
      (e) => setError(e instanceof ApiError ? e.message : 'Search failed'),
    );
  }, [query, filters]);

  const set = (name: keyof Filters) => (e: Event) => setFilters({ ...filters, [name]: (e.currentTarget as HTMLInputElement).value });
  const items: GridItem[] = gridItems(results ?? []);
  const active = FILTERS.filter((f) => filters[f]).length;
  return (
    <div>
      <h1>{query ? `Results for “${query}”` : 'Search your photos by what is in them'}</h1>
      <div class="chips" role="group" aria-label="Filters">
        <Chip label="Type" value={filters.type} onChange={set('type')} any="Photos and videos" options={[['IMAGE', 'Photos'], ['VIDEO', 'Videos']]} />
        <Chip label="Person" value={filters.person} onChange={set('person')} any="Anyone" options={people.map((p) => [p.id, p.name || 'Unnamed'])} />
        <Chip label="Place" value={filters.city} onChange={set('city')} any="Anywhere" options={cities.map((c) => [c, c])} />
        <Chip label="Camera" value={filters.make} onChange={set('make')} any="Any camera" options={makes.map((m) => [m, m])} />
        <label>
          From <input type="date" value={filters.after} max={filters.before || undefined} onChange={set('after')} />
        </label>
        <label>
          To <input type="date" value={filters.before} min={filters.after || undefined} onChange={set('before')} />
        </label>
        {active > 0 && (
          <button class="button" onClick={() => setFilters(Object.fromEntries(FILTERS.map((f) => [f, ''])) as Filters)}>
            Clear filters
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!query && <ExploreLibrary />}
      {query && !results && !error && <p class="empty">Searching…</p>}
      {results && results.length === 0 && <p class="empty">Nothing found{active > 0 ? ' with these filters' : ''}.</p>}
      {results && <PhotoGrid items={items} selected={new Set()} onOpen={setOpen} onSelect={() => undefined} />}
      {open && <Viewer ids={items.map((i) => i.id)} start={items.findIndex((i) => i.id === open)} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

/** One filter chip: a labelled choice whose first option means "no filter"; absent when there is nothing to choose. */
function Chip({ label, value, onChange, any, options }: { label: string; value: string; onChange(e: Event): void; any: string; options: Array<[string, string]> }) {
  if (options.length === 0) return null;
  return (
    <label>
      {label}{' '}
      <select value={value} onChange={onChange}>
        <option value="">{any}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
