import { LISTED_TO_OTHERS } from '../access/access.js';
import type { Queryable } from '../ports/database.js';

export interface SharedLink {
  id: string;
  ownerId: string;
  key: string;
  type: 'ALBUM' | 'INDIVIDUAL';
  albumId: string | null;
  description: string | null;
  passwordHash: string | null;
  expiresAt: Date | null;
  allowUpload: boolean;
  allowDownload: boolean;
  showMetadata: boolean;
  /** The link's short name: /s/{slug}. */
  slug: string | null;
  createdAt: Date;
}

const LINK_COLUMNS = `l.id, l.owner_id AS "ownerId", l.key, l.type, l.album_id AS "albumId", l.description,
  l.password_hash AS "passwordHash", l.expires_at AS "expiresAt", l.allow_upload AS "allowUpload",
  l.allow_download AS "allowDownload", l.show_metadata AS "showMetadata", l.slug, l.created_at AS "createdAt"`;

export type NewSharedLink = Omit<SharedLink, 'id' | 'createdAt'> & { assetIds: string[] };

export async function insertSharedLink(db: Queryable, link: NewSharedLink): Promise<SharedLink> {
  const { rows } = await db.query<SharedLink>(
    `WITH link AS (
       INSERT INTO shared_links (owner_id, key, type, album_id, description, password_hash, expires_at, allow_upload, allow_download, show_metadata, slug)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12) RETURNING *
     ), assets AS (
       INSERT INTO shared_link_assets (shared_link_id, asset_id) SELECT link.id, unnest($11::uuid[]) FROM link
     )
     SELECT ${LINK_COLUMNS} FROM link l`,
    [link.ownerId, link.key, link.type, link.albumId, link.description, link.passwordHash, link.expiresAt,
      link.allowUpload, link.allowDownload, link.showMetadata, link.assetIds, link.slug],
  );
  return rows[0]!;
}

/** The link a key names; a deleted user's links open no more (as if they did not exist). */
export async function sharedLinkByKey(db: Queryable, key: string): Promise<SharedLink | undefined> {
  const { rows } = await db.query<SharedLink>({
    name: 'shared-link-by-key',
    text: `SELECT ${LINK_COLUMNS} FROM shared_links l JOIN users o ON o.id = l.owner_id AND o.deleted_at IS NULL WHERE l.key = $1`,
    values: [key],
  });
  return rows[0];
}

/** The link a slug names, on the same terms as a key. */
export async function sharedLinkBySlug(db: Queryable, slug: string): Promise<SharedLink | undefined> {
  const { rows } = await db.query<SharedLink>(
    `SELECT ${LINK_COLUMNS} FROM shared_links l JOIN users o ON o.id = l.owner_id AND o.deleted_at IS NULL WHERE l.slug = $1`,
    [slug],
  );
  return rows[0];
}

export async function getSharedLink(db: Queryable, ownerId: string, id: string): Promise<SharedLink | undefined> {
  const { rows } = await db.query<SharedLink>(`SELECT ${LINK_COLUMNS} FROM shared_links l WHERE l.id = $1 AND l.owner_id = $2`, [id, ownerId]);
  return rows[0];
}

export async function listSharedLinks(db: Queryable, ownerId: string, albumId?: string): Promise<SharedLink[]> {
  const { rows } = await db.query<SharedLink>(
    `SELECT ${LINK_COLUMNS} FROM shared_links l WHERE l.owner_id = $1 AND ($2::uuid IS NULL OR l.album_id = $2) ORDER BY l.created_at DESC`,
    [ownerId, albumId ?? null],
  );
  return rows;
}

export interface SharedLinkChange {
  description?: string | null;
  passwordHash?: string | null;
  expiresAt?: Date | null;
  allowUpload?: boolean;
  allowDownload?: boolean;
  showMetadata?: boolean;
  slug?: string | null;
}

export async function updateSharedLink(db: Queryable, ownerId: string, id: string, change: SharedLinkChange): Promise<SharedLink | undefined> {
  const has = (k: keyof SharedLinkChange) => k in change;
  const { rows } = await db.query<SharedLink>(
    `UPDATE shared_links l SET
       description = CASE WHEN $3 THEN $4 ELSE description END,
       password_hash = CASE WHEN $5 THEN $6 ELSE password_hash END,
       expires_at = CASE WHEN $7 THEN $8::timestamptz ELSE expires_at END,
       allow_upload = coalesce($9, allow_upload), allow_download = coalesce($10, allow_download),
       show_metadata = coalesce($11, show_metadata), slug = CASE WHEN $12 THEN $13 ELSE slug END
     WHERE l.id = $1 AND l.owner_id = $2 RETURNING ${LINK_COLUMNS}`,
    [id, ownerId, has('description'), change.description ?? null, has('passwordHash'), change.passwordHash ?? null,
      has('expiresAt'), change.expiresAt ?? null, change.allowUpload ?? null, change.allowDownload ?? null, change.showMetadata ?? null,
      has('slug'), change.slug ?? null],
  );
  return rows[0];
}

export async function deleteSharedLink(db: Queryable, ownerId: string, id: string): Promise<boolean> {
  const result = await db.query('DELETE FROM shared_links WHERE id = $1 AND owner_id = $2', [id, ownerId]);
  return result.rowCount === 1;
}

/** What the link lists: its assets that are not trashed, locked or hidden. */
export async function sharedLinkAssetIds(db: Queryable, linkId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM shared_link_assets s JOIN assets a ON a.id = s.asset_id WHERE s.shared_link_id = $1 AND ${LISTED_TO_OTHERS}`,
    [linkId],
  );
  return rows.map((r) => r.id);
}

/** Puts `targetId` into every link of chosen assets that holds `sourceId` (an album's link follows its album). */
export async function copySharedLinkMembership(db: Queryable, sourceId: string, targetId: string): Promise<void> {
  await db.query(
    'INSERT INTO shared_link_assets (shared_link_id, asset_id) SELECT shared_link_id, $2 FROM shared_link_assets WHERE asset_id = $1 ON CONFLICT DO NOTHING',
    [sourceId, targetId],
  );
}

/** Adds or removes assets of an INDIVIDUAL link; returns which ids changed. */
export async function changeSharedLinkAssets(db: Queryable, linkId: string, ids: string[], add: boolean): Promise<Set<string>> {
  const { rows } = add
    ? await db.query<{ id: string }>(
        `INSERT INTO shared_link_assets (shared_link_id, asset_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING asset_id AS id`,
        [linkId, ids],
      )
    : await db.query<{ id: string }>(
        'DELETE FROM shared_link_assets WHERE shared_link_id = $1 AND asset_id = ANY($2::uuid[]) RETURNING asset_id AS id',
        [linkId, ids],
      );
  return new Set(rows.map((r) => r.id));
}
