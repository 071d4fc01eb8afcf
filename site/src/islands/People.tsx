import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';

interface Person {
  id: string;
  name: string;
  thumbnailPath: string;
  isHidden: boolean;
}

const label = (p: Person) => p.name || 'Unnamed person';

/**
 * The faces grid: rename inline (Enter saves), hide, and tick several to merge them into one
 * (the one kept is chosen in the toolbar); a click on a face opens the person's photos.
 */
export default function People() {
  const [people, setPeople] = useState<Person[] | undefined>();
  const [ticked, setTicked] = useState<string[]>([]);
  const [keep, setKeep] = useState('');
  const [note, setNote] = useState('');
  const load = () => api<{ people: Person[] }>('GET', '/people').then((p) => setPeople(p.people));
  useEffect(() => void load(), []);

  async function rename(person: Person, name: string) {
    if (name !== person.name) await api('PUT', `/people/${person.id}`, { name });
    await load();
  }

  function tick(id: string, on: boolean) {
    const next = on ? [...ticked, id] : ticked.filter((t) => t !== id);
    setTicked(next);
    if (!next.includes(keep)) setKeep(next[0] ?? '');
  }

  async function merge() {
    const into = keep || ticked[0]!;
    const from = ticked.filter((id) => id !== into);
    const results = await api<Array<{ id: string; success: boolean }>>('POST', `/people/${into}/merge`, { ids: from });
    const merged = results.filter((r) => r.success).length;
    setNote(`Merged ${merged} ${merged === 1 ? 'person' : 'people'} into ${label(people!.find((p) => p.id === into)!)}.`);
    setTicked([]);
    await load();
  }

  if (!people) return <p class="empty">Loading…</p>;
  if (people.length === 0) return <p class="empty">No people yet: faces are grouped once a few photos show the same person.</p>;
  const chosen = people.filter((p) => ticked.includes(p.id));
  return (
    <>
      {note && <p role="status">{note}</p>}
      {chosen.length > 1 && (
        <div class="selection" role="toolbar" aria-label={`${chosen.length} people selected`}>
          <strong>{chosen.length} selected</strong>
          <label>
            Keep{' '}
            <select value={keep} onChange={(e) => setKeep(e.currentTarget.value)}>
              {chosen.map((p) => (
                <option key={p.id} value={p.id}>
                  {label(p)}
                </option>
              ))}
            </select>
          </label>
          <button class="button primary" onClick={merge}>
            Merge into one person
          </button>
          <button class="button" onClick={() => setTicked([])}>
            Clear
          </button>
        </div>
      )}
      <ul class="people">
        {people.map((p) => (
          <li key={p.id} class={ticked.includes(p.id) ? 'ticked' : undefined}>
            <a href={`/person/?id=${p.id}`} aria-label={`Photos of ${p.name || 'this person'}`}>
              <img src={p.thumbnailPath} alt="" width={160} height={160} loading="lazy" />
            </a>
            <input
              aria-label="Name"
              placeholder="Add a name"
              key={p.name}
              defaultValue={p.name}
              onKeyDown={(e) => e.key === 'Enter' && (e.currentTarget as HTMLInputElement).blur()}
              onBlur={(e) => rename(p, e.currentTarget.value.trim())}
            />
            <div class="person-actions">
              <label>
                <input type="checkbox" checked={ticked.includes(p.id)} onChange={(e) => tick(p.id, e.currentTarget.checked)} /> Select
                <span class="sr-only"> {label(p)}</span>
              </label>
              <button class="button" onClick={() => api('PUT', `/people/${p.id}`, { isHidden: true }).then(load)}>
                Hide
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
