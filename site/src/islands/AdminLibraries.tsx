import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import UserSelect, { type UserChoice } from './UserSelect';

interface Library {
  id: string;
  ownerId: string;
  name: string;
  importPaths: string[];
  exclusionPatterns: string[];
  assetCount: number;
  refreshedAt: string | null;
}
interface PathCheck {
  importPath: string;
  isValid: boolean;
  message?: string;
}

const lines = (value: FormDataEntryValue | null) =>
  String(value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * External libraries: folders on the server (or S3 prefixes) indexed in place for one user,
 * never copied or changed. The admin adds one, checks its paths, scans it, or removes it
 * (its photos leave Shoebox; the files stay where they are).
 */
export default function AdminLibraries() {
  const [libraries, setLibraries] = useState<Library[] | undefined>();
  const [users, setUsers] = useState<UserChoice[]>([]);
  const [message, setMessage] = useState('');
  const [checks, setChecks] = useState<Record<string, PathCheck[]>>({});
  const load = () => api<Library[]>('GET', '/libraries').then(setLibraries);
  useEffect(() => {
    void load();
    void api<UserChoice[]>('GET', '/admin/users').then(setUsers);
  }, []);

  async function create(event: Event) {
    event.preventDefault();
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    try {
      const body = { ownerId: form.get('owner'), name: String(form.get('name') || 'Library'), importPaths: lines(form.get('paths')), exclusionPatterns: lines(form.get('exclusions')) };
      const created = await api<Library>('POST', '/libraries', body.exclusionPatterns.length ? body : { ...body, exclusionPatterns: undefined });
      await api('POST', `/libraries/${created.id}/scan`);
      setMessage(`${created.name} added; scanning its folders`);
      element.reset();
      await load();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : 'The library could not be added');
    }
  }

  async function check(library: Library) {
    const result = await api<{ importPaths: PathCheck[] }>('POST', `/libraries/${library.id}/validate`, { importPaths: library.importPaths });
    setChecks({ ...checks, [library.id]: result.importPaths });
  }

  const owner = (id: string) => users.find((u) => u.id === id);
  return (
    <div class="settings">
      {libraries?.length === 0 && <p class="empty">No external libraries. Add a folder the server can read, and its photos appear in its owner’s timeline.</p>}
      <ul class="libraries">
        {libraries?.map((l) => (
          <li key={l.id} aria-label={l.name}>
            <h2>{l.name}</h2>
            <p>
              {owner(l.ownerId)?.name ?? 'Unknown owner'} · {l.assetCount} {l.assetCount === 1 ? 'item' : 'items'} ·{' '}
              {l.refreshedAt ? `scanned ${new Date(l.refreshedAt).toLocaleString()}` : 'not scanned yet'}
            </p>
            <ul>
              {l.importPaths.map((p) => {
                const result = checks[l.id]?.find((c) => c.importPath === p);
                return (
                  <li key={p}>
                    <code>{p}</code>
                    {result && <span class={result.isValid ? 'ok' : 'error'}>{result.isValid ? ' ✓ readable' : ` ✗ ${result.message ?? 'not readable'}`}</span>}
                  </li>
                );
              })}
            </ul>
            {l.exclusionPatterns.length > 0 && <p class="muted">Skips {l.exclusionPatterns.join(', ')}</p>}
            <div class="actions">
              <button class="button" onClick={() => api('POST', `/libraries/${l.id}/scan`).then(() => setMessage(`Scanning ${l.name}`))}>
                Scan now
              </button>
              <button class="button" onClick={() => void check(l)}>
                Check folders
              </button>
              <button class="button" aria-label={`Remove ${l.name}`} onClick={() => api('DELETE', `/libraries/${l.id}`).then(load)}>
                Remove
              </button>
            </div>
          </li>
        ))}
      </ul>
      {message && <p role="status">{message}</p>}
      <section aria-labelledby="new-library">
        <h2 id="new-library">Add a library</h2>
        <form onSubmit={create}>
          <UserSelect label="Owner" name="owner" users={users} />
          <label>
            Name <input name="name" maxLength={200} placeholder="Library" />
          </label>
          <label>
            Folders, one per line <textarea name="paths" required rows={3} placeholder="/mnt/photos" />
          </label>
          <label>
            Skip, one pattern per line (empty: Synology and macOS litter) <textarea name="exclusions" rows={2} placeholder="**/@eaDir/**" />
          </label>
          <button class="button primary" type="submit">Add library</button>
        </form>
      </section>
    </div>
  );
}
