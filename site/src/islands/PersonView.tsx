import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';
import Timeline from './Timeline';

interface Person {
  id: string;
  name: string;
  thumbnailPath: string;
}

/** One person: their face, name (editable), their photos, and merging another person into them. */
export default function PersonView() {
  const id = new URLSearchParams(location.search).get('id') ?? '';
  const [person, setPerson] = useState<Person | undefined>();
  const [others, setOthers] = useState<Person[]>([]);
  const [note, setNote] = useState('');
  const load = async () => {
    setPerson(await api<Person>('GET', `/people/${id}`));
    setOthers((await api<{ people: Person[] }>('GET', '/people')).people.filter((p) => p.id !== id));
  };
  useEffect(() => void load(), []);

  async function merge(event: Event) {
    event.preventDefault();
    const other = String(new FormData(event.currentTarget as HTMLFormElement).get('other'));
    const [result] = await api<Array<{ success: boolean; error?: string }>>('POST', `/people/${id}/merge`, { ids: [other] });
    setNote(result?.success ? 'Merged: their photos are this person’s now.' : `Not merged (${result?.error})`);
    await load();
  }

  if (!person) return <p class="empty">Loading…</p>;
  return (
    <div>
      <header class="person">
        <img src={person.thumbnailPath} alt="" width={96} height={96} />
        <input
          aria-label="Name"
          class="person-name"
          placeholder="Add a name"
          key={person.name}
          defaultValue={person.name}
          onKeyDown={(e) => e.key === 'Enter' && (e.currentTarget as HTMLInputElement).blur()}
          onBlur={(e) => api('PUT', `/people/${id}`, { name: e.currentTarget.value.trim() }).then(load)}
        />
        {others.length > 0 && (
          <form onSubmit={merge} class="actions">
            <label>
              Same person as{' '}
              <select name="other">
                {others.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name || 'Unnamed'}
                  </option>
                ))}
              </select>
            </label>
            <button class="button" type="submit">Merge</button>
          </form>
        )}
        {note && <p role="status">{note}</p>}
      </header>
      <Timeline query={`personId=${id}`} uploads={false} emptyText="No photos of this person." />
    </div>
  );
}
