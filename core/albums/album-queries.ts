import { LISTED_TO_OTHERS } from '../access/access.js';
import type { Queryable } from '../ports/database.js';

export interface AlbumUserRow {
  user: { id: string; email: string; name: string; avatarColor: string | null; profileChangedAt: string };
  role: 'editor' | 'viewer';
}

export interface AlbumRow {
  id: string;
  ownerId: string;
  owner: AlbumUserRow['user'];
  name: string;
  description: string;
  thumbnailAssetId: string | null;
  isActivityEnabled: boolean;
  order: 'asc' | 'desc';
  createdAt: Date;
  updatedAt: Date;
  albumUsers: AlbumUserRow[];
  hasSharedLink: boolean;
  assetCount: number;
  startDate: string | null;
  endDate: string | null;
  lastModifiedAssetTimestamp: Date | null;
}

const USER_JSON = (u: string) =>
  `json_build_object('id', ${u}.id, 'email', ${u}.email, 'name', ${u}.name, 'avatarColor', ${u}.avatar_color, 'profileChangedAt', ${u}.profile_changed_at, 'profileImageKey', ${u}.profile_image_key)`;

/** Albums with owner, members, counts and date range, in one statement. */
const ALBUM_SELECT = `
  SELECT al.id, al.owner_id AS "ownerId", ${USER_JSON('o')} AS owner, al.name, al.description,
    al.thumbnail_asset_id AS "thumbnailAssetId", al.is_activity_enabled AS "isActivityEnabled", al.sort_order AS "order",
    al.created_at AS "createdAt", al.updated_at AS "updatedAt",
    coalesce((SELECT json_agg(json_build_object('user', ${USER_JSON('u')}, 'role', au.role) ORDER BY au.created_at)
      FROM album_users au JOIN users u ON u.id = au.user_id WHERE au.album_id = al.id), '[]') AS "albumUsers",
    EXISTS (SELECT 1 FROM shared_links sl WHERE sl.album_id = al.id) AS "hasSharedLink",
    stats.asset_count AS "assetCount", stats.start_date AS "startDate", stats.end_date AS "endDate",
    stats.last_modified AS "lastModifiedAssetTimestamp"
  FROM albums al JOIN users o ON o.id = al.owner_id
  CROSS JOIN LATERAL (
    SELECT count(a.id)::int AS asset_count, min(a.local_date_time) AS start_date, max(a.local_date_time) AS end_date,
      max(a.updated_at) AS last_modified
    FROM album_assets aa JOIN assets a ON a.id = aa.asset_id AND ${LISTED_TO_OTHERS} WHERE aa.album_id = al.id
  ) stats`;

export async function getAlbum(db: Queryable, id: string): Promise<AlbumRow | undefined> {
  const { rows } = await db.query<AlbumRow>(`${ALBUM_SELECT} WHERE al.id = $1`, [id]);
  return rows[0];
}

/**
 * A user's albums, as Immich's GET /albums filters them: `isOwned` true = theirs, false = shared
 * with them; `isShared` true = shared with someone or by link, false = nobody else sees it. With
 * `assetId`, every album of theirs or shared with them that holds that asset (the other filters
 * are ignored, as Immich ignores them). Albums of a deleted owner are never listed.
 */
export async function listAlbums(db: Queryable, userId: string, filter: { isOwned?: boolean; isShared?: boolean; assetId?: string }): Promise<AlbumRow[]> {
  const isShared = `(EXISTS (SELECT 1 FROM album_users x WHERE x.album_id = al.id) OR EXISTS (SELECT 1 FROM shared_links x WHERE x.album_id = al.id))`;
  const sharedWithMe = `EXISTS (SELECT 1 FROM album_users me WHERE me.album_id = al.id AND me.user_id = $1)`;
  const conditions = [`(al.owner_id = $1 OR ${sharedWithMe})`, 'o.deleted_at IS NULL'];
  if (filter.assetId) {
    conditions.push('EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = al.id AND aa.asset_id = $2)');
  } else {
    if (filter.isOwned !== undefined) conditions.push(filter.isOwned ? 'al.owner_id = $1' : 'al.owner_id <> $1');
    if (filter.isShared !== undefined) conditions.push(filter.isShared ? isShared : `NOT ${isShared}`);
  }
  const params = filter.assetId ? [userId, filter.assetId] : [userId];
  const { rows } = await db.query<AlbumRow>(`${ALBUM_SELECT} WHERE ${conditions.join(' AND ')} ORDER BY al.created_at DESC`, params);
  return rows;
}

/** How many of an album's (listed) assets each user contributed, most first: Immich's contributorCounts. */
export async function albumContributorCounts(db: Queryable, albumId: string): Promise<Array<{ userId: string; assetCount: number }>> {
  const { rows } = await db.query<{ userId: string; assetCount: number }>(
    `SELECT a.owner_id AS "userId", count(*)::int AS "assetCount"
     FROM album_assets aa JOIN assets a ON a.id = aa.asset_id AND ${LISTED_TO_OTHERS}
     WHERE aa.album_id = $1 GROUP BY a.owner_id ORDER BY count(*) DESC, a.owner_id`,
    [albumId],
  );
  return rows;
}

export interface NewAlbum {
  ownerId: string;
  name: string;
  description: string;
  assetIds: string[];
  users: Array<{ userId: string; role: 'editor' | 'viewer' }>;
}

export async function insertAlbum(db: Queryable, album: NewAlbum): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `WITH album AS (
       INSERT INTO albums (owner_id, name, description, thumbnail_asset_id) VALUES ($1, $2, $3, $4) RETURNING id
     ), assets AS (
       INSERT INTO album_assets (album_id, asset_id, added_by) SELECT album.id, unnest($5::uuid[]), $1 FROM album
     ), members AS (
       INSERT INTO album_users (album_id, user_id, role) SELECT album.id, m.user_id, m.role FROM album,
         unnest($6::uuid[], $7::text[]) AS m (user_id, role)
     )
     SELECT id FROM album`,
    [album.ownerId, album.name, album.description, album.assetIds[0] ?? null, album.assetIds, album.users.map((u) => u.userId), album.users.map((u) => u.role)],
  );
  return rows[0]!.id;
}

export interface AlbumChange {
  name?: string;
  description?: string;
  thumbnailAssetId?: string;
  isActivityEnabled?: boolean;
  order?: 'asc' | 'desc';
}

export async function updateAlbum(db: Queryable, id: string, change: AlbumChange): Promise<void> {
  await db.query(
    `UPDATE albums SET name = coalesce($2, name), description = coalesce($3, description),
       thumbnail_asset_id = coalesce($4, thumbnail_asset_id), is_activity_enabled = coalesce($5, is_activity_enabled),
       sort_order = coalesce($6, sort_order), updated_at = now()
     WHERE id = $1`,
    [id, change.name ?? null, change.description ?? null, change.thumbnailAssetId ?? null, change.isActivityEnabled ?? null, change.order ?? null],
  );
}

export async function deleteAlbum(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM albums WHERE id = $1', [id]);
}

/** The albums any of these assets is in. */
export async function albumsContaining(db: Queryable, assetIds: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT DISTINCT album_id AS id FROM album_assets WHERE asset_id = ANY($1::uuid[])', [assetIds]);
  return rows.map((row) => row.id);
}

/** Adds assets (idempotent); returns the ids that were not in the album before. Sets a cover if there is none. */
export async function addAlbumAssets(db: Queryable, albumId: string, assetIds: string[], addedBy: string): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    `WITH added AS (
       INSERT INTO album_assets (album_id, asset_id, added_by) SELECT $1, unnest($2::uuid[]), $3
       ON CONFLICT DO NOTHING RETURNING asset_id
     ), touched AS (
       UPDATE albums SET updated_at = now(), thumbnail_asset_id = coalesce(thumbnail_asset_id, (SELECT asset_id FROM added LIMIT 1))
       WHERE id = $1 AND EXISTS (SELECT 1 FROM added)
     )
     SELECT asset_id AS id FROM added`,
    [albumId, assetIds, addedBy],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Removes assets an album member may remove: the owner any, an editor those they added or
 * own. Says which were removed and which are in the album but not theirs to remove; a removed
 * cover falls back to another asset.
 */
export async function removeAlbumAssets(
  db: Queryable,
  albumId: string,
  assetIds: string[],
  by: { userId: string; isOwner: boolean },
): Promise<{ removed: Set<string>; kept: Set<string> }> {
  const { rows } = await db.query<{ id: string; removed: boolean }>(
    `WITH removed AS (
       DELETE FROM album_assets aa USING assets a
       WHERE aa.album_id = $1 AND aa.asset_id = ANY($2::uuid[]) AND a.id = aa.asset_id
         AND ($4 OR aa.added_by = $3 OR a.owner_id = $3)
       RETURNING aa.asset_id
     ), touched AS (
       UPDATE albums SET updated_at = now(),
         thumbnail_asset_id = CASE WHEN thumbnail_asset_id IN (SELECT asset_id FROM removed)
           THEN (SELECT aa.asset_id FROM album_assets aa WHERE aa.album_id = $1 AND aa.asset_id NOT IN (SELECT asset_id FROM removed) LIMIT 1)
           ELSE thumbnail_asset_id END
       WHERE id = $1 AND EXISTS (SELECT 1 FROM removed)
     )
     SELECT asset_id AS id, true AS removed FROM removed
     UNION ALL
     SELECT aa.asset_id, false FROM album_assets aa
     WHERE aa.album_id = $1 AND aa.asset_id = ANY($2::uuid[]) AND aa.asset_id NOT IN (SELECT asset_id FROM removed)`,
    [albumId, assetIds, by.userId, by.isOwner],
  );
  return { removed: new Set(rows.filter((r) => r.removed).map((r) => r.id)), kept: new Set(rows.filter((r) => !r.removed).map((r) => r.id)) };
}

/**
 * Takes assets out of every album and individual shared link (they went into the locked
 * folder); a cover among them falls back to another asset of its album.
 */
export async function removeFromEverySharing(db: Queryable, assetIds: string[]): Promise<void> {
  await db.query(
    `WITH removed AS (
       DELETE FROM album_assets WHERE asset_id = ANY($1::uuid[]) RETURNING album_id
     ), unlinked AS (
       DELETE FROM shared_link_assets WHERE asset_id = ANY($1::uuid[])
     )
     UPDATE albums al SET updated_at = now(),
       thumbnail_asset_id = CASE WHEN al.thumbnail_asset_id = ANY($1::uuid[])
         THEN (SELECT aa.asset_id FROM album_assets aa WHERE aa.album_id = al.id AND aa.asset_id <> ALL($1::uuid[]) LIMIT 1)
         ELSE al.thumbnail_asset_id END
     WHERE al.id IN (SELECT album_id FROM removed)`,
    [assetIds],
  );
}

export async function albumAssetIds(db: Queryable, albumId: string, order: 'asc' | 'desc'): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
     WHERE aa.album_id = $1 AND ${LISTED_TO_OTHERS} ORDER BY a.local_date_time ${order === 'asc' ? 'ASC' : 'DESC'}, a.id`,
    [albumId],
  );
  return rows.map((r) => r.id);
}

export async function albumHasAsset(db: Queryable, albumId: string, assetId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM album_assets WHERE album_id = $1 AND asset_id = $2', [albumId, assetId]);
  return rows.length > 0;
}

/** Adds or re-roles members; the owner cannot be a member of their own album. */
export async function upsertAlbumUsers(db: Queryable, albumId: string, users: Array<{ userId: string; role: 'editor' | 'viewer' }>): Promise<void> {
  await db.query(
    `INSERT INTO album_users (album_id, user_id, role)
     SELECT $1, m.user_id, m.role FROM unnest($2::uuid[], $3::text[]) AS m (user_id, role)
     ON CONFLICT (album_id, user_id) DO UPDATE SET role = excluded.role`,
    [albumId, users.map((u) => u.userId), users.map((u) => u.role)],
  );
  await db.query('UPDATE albums SET updated_at = now() WHERE id = $1', [albumId]);
}

export async function removeAlbumUser(db: Queryable, albumId: string, userId: string): Promise<boolean> {
  const result = await db.query('DELETE FROM album_users WHERE album_id = $1 AND user_id = $2', [albumId, userId]);
  return result.rowCount === 1;
}

export async function albumStatistics(db: Queryable, userId: string): Promise<{ owned: number; shared: number; notShared: number }> {
  const { rows } = await db.query<{ owned: number; shared: number; notShared: number }>(
    `WITH mine AS (
       SELECT al.id, (EXISTS (SELECT 1 FROM album_users x WHERE x.album_id = al.id)
         OR EXISTS (SELECT 1 FROM shared_links x WHERE x.album_id = al.id)) AS is_shared
       FROM albums al WHERE al.owner_id = $1
     )
     SELECT (SELECT count(*) FROM mine)::int AS owned,
       ((SELECT count(*) FROM mine WHERE is_shared) + (SELECT count(*) FROM album_users au JOIN albums al ON al.id = au.album_id
         JOIN users o ON o.id = al.owner_id AND o.deleted_at IS NULL WHERE au.user_id = $1))::int AS shared,
       (SELECT count(*) FROM mine WHERE NOT is_shared)::int AS "notShared"`,
    [userId],
  );
  return rows[0]!;
}

/** Which of `ids` are existing, active users. */
export async function existingUserIds(db: Queryable, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`, [ids]);
  return new Set(rows.map((r) => r.id));
}
