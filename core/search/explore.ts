import type { Queryable } from '../ports/database.js';

/**
 * The newest photo of each place the owner has been, newest place first: Immich's explore
 * row of places and its `/search/cities`. Only what their timeline shows counts.
 */
export async function newestAssetPerCity(db: Queryable, ownerId: string, limit: number): Promise<Array<{ id: string; city: string }>> {
  const { rows } = await db.query<{ id: string; city: string }>(
    `SELECT id, city FROM (
       SELECT DISTINCT ON (e.city) a.id, e.city, a.taken_at FROM assets a JOIN asset_exif e ON e.asset_id = a.id
        WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.status <> 'uploading' AND e.city IS NOT NULL
        ORDER BY e.city, a.taken_at DESC) per_city
     ORDER BY taken_at DESC LIMIT $2`,
    [ownerId, limit],
  );
  return rows;
}
