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

/** Immich's explore: a place once the owner has this many photos of it there, at most this many places. */
export const EXPLORE_MIN_ASSETS_PER_CITY = 5;
export const EXPLORE_MAX_FIELDS = 12;

/**
 * The explore row of places as Immich builds it: the owner's cities with at least
 * EXPLORE_MIN_ASSETS_PER_CITY timeline photos, the newest photo of each, newest place first.
 */
export async function citiesToExplore(db: Queryable, ownerId: string): Promise<Array<{ id: string; city: string }>> {
  const { rows } = await db.query<{ id: string; city: string }>(
    `SELECT id, city FROM (
       SELECT DISTINCT ON (e.city) a.id, e.city, a.taken_at FROM assets a JOIN asset_exif e ON e.asset_id = a.id
        WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.type = 'IMAGE' AND a.status <> 'uploading'
          AND e.city IN (
            SELECT e2.city FROM asset_exif e2 JOIN assets a2 ON a2.id = e2.asset_id
            WHERE a2.owner_id = $1 AND a2.deleted_at IS NULL AND a2.visibility = 'timeline' AND a2.type = 'IMAGE' AND e2.city IS NOT NULL
            GROUP BY e2.city HAVING count(*) >= $2)
        ORDER BY e.city, a.taken_at DESC) per_city
     ORDER BY taken_at DESC LIMIT $3`,
    [ownerId, EXPLORE_MIN_ASSETS_PER_CITY, EXPLORE_MAX_FIELDS],
  );
  return rows;
}

/** Immich's explore row of what came last: the owner's newest uploads (photos on the timeline). */
export async function recentlyAdded(db: Queryable, ownerId: string): Promise<Array<{ id: string; createdAt: Date }>> {
  const { rows } = await db.query<{ id: string; createdAt: Date }>(
    `SELECT a.id, a.created_at AS "createdAt" FROM assets a
     WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.type = 'IMAGE' AND a.status <> 'uploading'
     ORDER BY a.created_at DESC, a.id LIMIT $2`,
    [ownerId, EXPLORE_MAX_FIELDS],
  );
  return rows;
}

