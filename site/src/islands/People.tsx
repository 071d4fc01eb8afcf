import { useEffect, useState } from 'preact/hooks';
import { api } from '../lib/api';

interface Person {
  id: string;
  name: string;
  thumbnailPath: string;
  isHidden: boolean;
}

/** The faces grid: rename inline (Enter saves), hide; a click opens the person's photos. */
export default function People() {
  const [people, setPeople] = useState<Person[] | undefined>();
  const load = () => api<{ people: Person[] }>('GET', '/people').then((p) => setPeople(p.people));
  useEffect(() => void load(), []);

  async function rename(person: Person, name: string) {
    if (name !== person.name) await api('PUT', `/people/${person.id}`, { name });
    await load();
  }

  if (!people) return <p class="empty">Loading…</p>;
  if (people.length === 0) return <p class="empty">No people yet: faces are grouped once a few photos show the same person.</p>;
  return (
    <ul class="people">
      {people.map((p) => (
        <li key={p.id}>
          <a href={`/person/?id=${p.id}`} aria-label={`Photos of ${p.name || 'this person'}`}>
            <img src={p.thumbnailPath} alt="" width={160} height={160} loading="lazy" />
          </a>
          <input
            aria-label="Name"
            placeholder="Add a name"
            value={p.name}
            onKeyDown={(e) => e.key === 'Enter' && (e.currentTarget as HTMLInputElement).blur()}
            onBlur={(e) => rename(p, e.currentTarget.value.trim())}
          />
          <button class="button" onClick={() => api('PUT', `/people/${p.id}`, { isHidden: true }).then(load)}>
            Hide
          </button>
        </li>
      ))}
    </ul>
  );
}
