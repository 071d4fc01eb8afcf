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

/** Every geotagged asset in scope, as the map's markers. */
export async function mapMarkers(db: Queryable, scope: ScopeSql): Promise<MapMarker[]> {
  const { rows } = await db.query<MapMarker>(
    `SELECT a.id, x.latitude AS lat, x.longitude AS lon, x.city, x.state, x.country
     FROM assets a JOIN asset_exif x ON x.asset_id = a.id
     WHERE ${scope.where} AND x.latitude IS NOT NULL AND x.longitude IS NOT NULL`,
    scope.params,
  );
  return rows;
}
