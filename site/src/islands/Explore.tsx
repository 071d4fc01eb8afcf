import { useEffect, useState } from 'preact/hooks';
import { api, thumbnailUrl, type Asset } from '../lib/api';

interface Person {
  id: string;
  name: string;
  thumbnailPath: string;
  isHidden?: boolean;
}

/** Immich's SearchExploreResponseDto: the newest photo of each place. */
type Explore = Array<{ fieldName: string; items: Array<{ value: string; data: Asset }> }>;

/** Things to look for: smart search understands them in any photo, no tags needed. */
const THINGS = ['Beach', 'Mountains', 'Snow', 'Sunset', 'Food', 'Dog', 'Cat', 'Birthday cake', 'Flowers', 'Car', 'Documents', 'Screenshots'];

/**
 * Explore (the search page before a search), as Google Photos and Immich have it: your people,
 * your places — each with its newest photo — and things to look for.
 */
export default function ExploreLibrary() {
  const [people, setPeople] = useState<Person[]>([]);
  const [places, setPlaces] = useState<Explore[number]['items']>([]);
  useEffect(() => {
    void api<{ people: Person[] }>('GET', '/people').then((p) => setPeople(p.people.filter((person) => !person.isHidden).slice(0, 12)), () => setPeople([]));
    void api<Explore>('GET', '/search/explore').then((e) => setPlaces(e.find((f) => f.fieldName === 'exifInfo.city')?.items ?? []), () => setPlaces([]));
  }, []);
  const place = (a: Asset) => {
    const exif = a.exifInfo ?? {};
    return exif.latitude != null && exif.longitude != null ? `/map/?lat=${exif.latitude}&lon=${exif.longitude}` : '/map/';
  };
  return (
    <div class="explore">
      {people.length > 0 && (
        <section aria-labelledby="explore-people">
          <h2 id="explore-people">
            People <a href="/people/">See all</a>
          </h2>
          <ul class="explore-row">
            {people.map((p) => (
              <li key={p.id}>
                <a href={`/person/?id=${p.id}`}>
                  <img class="round" src={p.thumbnailPath} alt="" width={96} height={96} loading="lazy" />
                  <span>{p.name || 'Unnamed'}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {places.length > 0 && (
        <section aria-labelledby="explore-places">
          <h2 id="explore-places">
            Places <a href="/map/">Map</a>
          </h2>
          <ul class="explore-row">
            {places.map(({ value, data }) => (
              <li key={value}>
                <a href={place(data)}>
                  <img src={thumbnailUrl(data.id)} alt="" width={120} height={120} loading="lazy" />
                  <span>{value}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="explore-things">
        <h2 id="explore-things">Things</h2>
        <ul class="explore-things">
          {THINGS.map((thing) => (
            <li key={thing}>
              <a class="button" href={`/search/?q=${encodeURIComponent(thing.toLowerCase())}`}>
                {thing}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
