import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../core/ports/database.js';

export interface SyntheticAsset {
  /** Wall-clock capture time, 'YYYY-MM-DDTHH:MM:SS'. */
  localDateTime: string;
  timeZone?: string | null;
  latitude?: number;
  longitude?: number;
  city?: string;
  isFavorite?: boolean;
  visibility?: 'timeline' | 'archive' | 'hidden' | 'locked';
  type?: 'IMAGE' | 'VIDEO';
}

/**
 * Asset rows without bytes, straight into the real database: for timeline, map and access
 * tests and benches that need thousands of assets and not the pipeline. They look like
 * processed assets (status ready); their files do not exist.
 */
export async function insertSyntheticAssets(db: Queryable, ownerId: string, assets: SyntheticAsset[]): Promise<string[]> {
  const ids = assets.map(() => randomUUID());
  const offsetMs = (zone: string | null | undefined) => {
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone ?? '');
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  };
  const takenAt = assets.map((a) => new Date(new Date(`${a.localDateTime}Z`).getTime() - offsetMs(a.timeZone)));
  await db.query(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $3::timestamptz[], $4::timestamp[], $5::text[], $6::boolean[], $7::text[], $8::text[], $9::bytea[])
         AS i (id, taken_at, local_date_time, time_zone, is_favorite, visibility, type, checksum)
     ), asset AS (
       INSERT INTO assets (id, owner_id, type, status, original_path, original_file_name, original_mime_type, checksum, file_size_bytes,
         width, height, taken_at, local_date_time, time_zone, file_created_at, file_modified_at, is_favorite, visibility)
       SELECT id, $2, type, 'ready', 'synthetic/' || id, 'IMG_' || substr(id::text, 1, 8) || '.jpg', 'image/jpeg', checksum, 1000,
         4000, 3000, taken_at, local_date_time, time_zone, taken_at, taken_at, is_favorite, visibility
       FROM input RETURNING id
     )
     INSERT INTO asset_exif (asset_id, latitude, longitude, city, country)
     SELECT * FROM unnest($1::uuid[], $10::float8[], $11::float8[], $12::text[], $13::text[]) AS e (asset_id, lat, lon, city, country)
     WHERE lat IS NOT NULL`,
    [
      ids,
      ownerId,
      takenAt,
      assets.map((a) => a.localDateTime),
      assets.map((a) => a.timeZone ?? null),
      assets.map((a) => a.isFavorite ?? false),
      assets.map((a) => a.visibility ?? 'timeline'),
      assets.map((a) => a.type ?? 'IMAGE'),
      assets.map(() => randomBytes(20)),
      assets.map((a) => a.latitude ?? null),
      assets.map((a) => a.longitude ?? null),
      assets.map((a) => a.city ?? null),
      assets.map((a) => (a.city ? 'Portugal' : null)),
    ],
  );
  return ids;
}
