import type { Queryable } from '../ports/database.js';
import type { ScopeSql } from './timeline-scope.js';

export interface MapMarker {
  id: string;
  lat: number;
  lon: number;
  city: string | null;
  state: string | null;
  country: string | null;
}

/** Every geotagged asset in scope, as the map's markers: newest first, as Immich lists them. */
export async function mapMarkers(db: Queryable, scope: ScopeSql): Promise<MapMarker[]> {
  const { rows } = await db.query<MapMarker>(
    `SELECT a.id, x.latitude AS lat, x.longitude AS lon, x.city, x.state, x.country
     FROM assets a JOIN asset_exif x ON x.asset_id = a.id
     WHERE ${scope.where} AND x.latitude IS NOT NULL AND x.longitude IS NOT NULL
     ORDER BY a.taken_at DESC, a.id`,
    scope.params,
  );
  return rows;
}

/**
 * The markers as a JSON body, remembered per scope until one of its owners' libraries
 * changes (library_versions, bumped by a trigger on every asset change). A whole library's
 * markers take ~1 s to read on the embedded database at 200K assets; the map asks often.
 */
const CACHE_SIZE = 4;
const cache = new Map<string, { versions: string; body: string }>();

export async function mapMarkersJson(db: Queryable, scope: ScopeSql): Promise<string> {
  if (!scope.owners) return JSON.stringify(await mapMarkers(db, scope));
  // Read before the markers: a change in between makes the next request miss, never serve stale.
  const { rows } = await db.query<{ versions: string }>(
    `SELECT coalesce(string_agg(owner_id || ':' || version, ',' ORDER BY owner_id), '') AS versions
     FROM library_versions WHERE owner_id = ANY($1::uuid[])`,
    [scope.owners],
  );
  const versions = rows[0]!.versions;
  const key = `${scope.where}|${JSON.stringify(scope.params)}`;
  const hit = cache.get(key);
  cache.delete(key);
  if (hit?.versions === versions) {
    cache.set(key, hit);
    return hit.body;
  }
  const body = JSON.stringify(await mapMarkers(db, scope));
  cache.set(key, { versions, body });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return body;
}
