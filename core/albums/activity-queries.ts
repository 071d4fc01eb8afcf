import type { Queryable } from '../ports/database.js';
import type { AlbumUserRow } from './album-queries.js';

export interface ActivityRow {
  id: string;
  albumId: string;
  assetId: string | null;
  type: 'comment' | 'like';
  comment: string | null;
  createdAt: Date;
  user: AlbumUserRow['user'];
}

const ACTIVITY_SELECT = `SELECT ac.id, ac.album_id AS "albumId", ac.asset_id AS "assetId", ac.type, ac.comment, ac.created_at AS "createdAt",
    json_build_object('id', u.id, 'email', u.email, 'name', u.name, 'avatarColor', u.avatar_color, 'profileChangedAt', u.profile_changed_at, 'profileImageKey', u.profile_image_key) AS user
  FROM activities ac JOIN users u ON u.id = ac.user_id`;

export interface ActivityFilter {
  albumId: string;
  assetId?: string;
  type?: 'comment' | 'like';
  /** 'album': only on the album itself; 'asset': only on its assets. */
  level?: 'album' | 'asset';
  userId?: string;
}

export async function listActivities(db: Queryable, f: ActivityFilter): Promise<ActivityRow[]> {
  const { rows } = await db.query<ActivityRow>(
    `${ACTIVITY_SELECT}
     WHERE ac.album_id = $1 AND ($2::uuid IS NULL OR ac.asset_id = $2) AND ($3::text IS NULL OR ac.type = $3)
       AND ($4::text IS NULL OR ($4 = 'album') = (ac.asset_id IS NULL)) AND ($5::uuid IS NULL OR ac.user_id = $5)
     ORDER BY ac.created_at, ac.id`,
    [f.albumId, f.assetId ?? null, f.type ?? null, f.level ?? null, f.userId ?? null],
  );
  return rows;
}

/** Adds a comment or like; a second like by the same person is the first one (created: false). */
export async function insertActivity(
  db: Queryable,
  a: { albumId: string; assetId: string | null; userId: string; type: 'comment' | 'like'; comment: string | null },
): Promise<{ activity: ActivityRow; created: boolean }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO activities (album_id, asset_id, user_id, type, comment) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING id`,
    [a.albumId, a.assetId, a.userId, a.type, a.comment],
  );
  const id =
    rows[0]?.id ??
    (
      await db.query<{ id: string }>(
        `SELECT id FROM activities WHERE album_id = $1 AND asset_id IS NOT DISTINCT FROM $2 AND user_id = $3 AND type = 'like'`,
        [a.albumId, a.assetId, a.userId],
      )
    ).rows[0]!.id;
  const { rows: found } = await db.query<ActivityRow>(`${ACTIVITY_SELECT} WHERE ac.id = $1`, [id]);
  return { activity: found[0]!, created: rows.length === 1 };
}

export async function getActivity(db: Queryable, id: string): Promise<{ albumId: string; userId: string } | undefined> {
  const { rows } = await db.query<{ albumId: string; userId: string }>(
    'SELECT album_id AS "albumId", user_id AS "userId" FROM activities WHERE id = $1',
    [id],
  );
  return rows[0];
}

export async function deleteActivity(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM activities WHERE id = $1', [id]);
}

export async function activityStatistics(db: Queryable, albumId: string, assetId?: string): Promise<{ comments: number; likes: number }> {
  const { rows } = await db.query<{ comments: number; likes: number }>(
    `SELECT count(*) FILTER (WHERE type = 'comment')::int AS comments, count(*) FILTER (WHERE type = 'like')::int AS likes
     FROM activities WHERE album_id = $1 AND ($2::uuid IS NULL OR asset_id = $2)`,
    [albumId, assetId ?? null],
  );
  return rows[0]!;
}
