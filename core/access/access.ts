import type { AssetVisibility } from '../assets/asset.js';
import { BadRequest, NotFound, Unauthorized } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import type { SharedLink } from '../sharing/shared-link.js';

/**
 * Who may see or change what — the one place that answers it. Every route asks here
 * before it touches an id it was given; ids a requester may not use are reported exactly
 * like ids that do not exist, so probing learns nothing.
 *
 * A user reads their own assets, their partners' (on their timeline: not archived, locked or
 * trashed) and those in albums they own or were added to. A shared link reads only what it
 * grants: its assets, or its album's. Changing an asset is for its owner alone. A locked
 * asset (the locked folder) is its owner's alone, and only in a session unlocked with their
 * PIN code.
 */
export interface Requester {
  user: { id: string };
  sharedLink?: SharedLink;
  /** A session unlocked with the owner's PIN code (Immich's elevated permission). */
  elevated?: boolean;
}

/** SQL over asset row `a`: one of user `$u`'s own assets this requester may reach — a locked one only when unlocked. */
function ownAsset(u: string, who: Requester): string {
  // `elevated` is the server's own boolean, never the client's text.
  return who.elevated ? `a.owner_id = ${u}` : `(a.owner_id = ${u} AND a.visibility <> 'locked')`;
}

/** Refuses unless the session is unlocked (Immich's 401 for the locked folder in a locked session). */
export function requireUnlocked(who: Requester): void {
  if (!who.elevated) throw new Unauthorized('Elevated permission is required');
}

/**
 * The requester's own library as an owner-only search sees it (metadata search, counts, random
 * picks): locked assets only in an unlocked session, and asking for the locked folder itself
 * in a locked session is refused.
 */
export function ownLibrary(who: Requester, visibility: AssetVisibility | undefined): { ownerId: string; withLocked: boolean } {
  if (visibility === 'locked') requireUnlocked(who);
  return { ownerId: who.user.id, withLocked: who.elevated === true };
}

export type AlbumRole = 'owner' | 'editor' | 'viewer';

/**
 * SQL over asset row `a`: what anyone but its owner may reach of an asset — never trashed,
 * never locked (Immich's rule: a locked asset is its owner's alone, in an unlocked session).
 * A hidden asset (a live photo's motion part) is reached through its still.
 */
export const REACHABLE_BY_OTHERS = `(a.deleted_at IS NULL AND a.visibility <> 'locked')`;

/** SQL over asset row `a`: what albums and shared links list — also never hidden parts. */
export const LISTED_TO_OTHERS = `(a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive'))`;
/** The same rule over `asset_month_counts c`, the trigger-kept month counts. */
export const COUNTED_FOR_OTHERS = `(NOT c.is_trashed AND c.visibility IN ('timeline', 'archive'))`;

/**
 * SQL over asset row `a`: what a partner may reach of a library — its timeline (and a live
 * photo's hidden motion part through its still); archived is the owner's own, as in Immich.
 */
export const REACHABLE_BY_PARTNERS = `(a.deleted_at IS NULL AND a.visibility IN ('timeline', 'hidden'))`;
/** What a partner's timeline lists of a library, over `a` and over the month counts `c`. */
export const LISTED_TO_PARTNERS = `(a.deleted_at IS NULL AND a.visibility = 'timeline')`;
export const COUNTED_FOR_PARTNERS = `(NOT c.is_trashed AND c.visibility = 'timeline')`;

/** SQL: asset row `a` is readable by the user in parameter `$u` (a uuid). */
function readableByUser(u: string, who: Requester): string {
  return `(${ownAsset(u, who)}
    OR (${REACHABLE_BY_PARTNERS}
        AND a.owner_id IN (SELECT p.shared_by_id FROM partners p WHERE p.shared_with_id = ${u}))
    OR (${REACHABLE_BY_OTHERS} AND EXISTS (
        SELECT 1 FROM album_assets aa JOIN albums al ON al.id = aa.album_id
        WHERE aa.asset_id = a.id AND (al.owner_id = ${u}
          OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = ${u})))))`;
}

/** SQL: asset row `a` is granted by the shared link whose id is `$l` and album `$album` (uuid or NULL). */
function readableByLink(l: string, album: string): string {
  return `(${REACHABLE_BY_OTHERS} AND (
    EXISTS (SELECT 1 FROM shared_link_assets s WHERE s.shared_link_id = ${l} AND s.asset_id = a.id)
    OR EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = ${album} AND aa.asset_id = a.id)))`;
}

/** The ids among `ids` the requester may read. */
export async function readableAssetIds(db: Queryable, who: Requester, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = who.sharedLink
    ? await db.query<{ id: string }>(`SELECT a.id FROM assets a WHERE a.id = ANY($1::uuid[]) AND ${readableByLink('$2', '$3::uuid')}`, [
        ids,
        who.sharedLink.id,
        who.sharedLink.albumId,
      ])
    : await db.query<{ id: string }>(`SELECT a.id FROM assets a WHERE a.id = ANY($1::uuid[]) AND ${readableByUser('$2', who)}`, [ids, who.user.id]);
  return new Set(rows.map((row) => row.id));
}

/** The ids among `ids` the requester owns (a shared link owns nothing). */
export async function ownedAssetIds(db: Queryable, who: Requester, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0 || who.sharedLink) return new Set();
  const { rows } = await db.query<{ id: string }>(`SELECT a.id FROM assets a WHERE ${ownAsset('$1', who)} AND a.id = ANY($2::uuid[])`, [who.user.id, ids]);
  return new Set(rows.map((row) => row.id));
}

/**
 * The ids among `ids` the requester may put into an album or a shared link: their own and
 * their partners'. Seeing an asset in someone's album does not make it yours to pass on, and
 * a locked asset is never passed on, unlocked or not.
 */
export async function shareableAssetIds(db: Queryable, who: Requester, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0 || who.sharedLink) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM assets a WHERE a.id = ANY($1::uuid[]) AND ((a.owner_id = $2 AND a.visibility <> 'locked') OR (${REACHABLE_BY_PARTNERS}
       AND a.owner_id IN (SELECT p.shared_by_id FROM partners p WHERE p.shared_with_id = $2)))`,
    [ids, who.user.id],
  );
  return new Set(rows.map((row) => row.id));
}

export async function requireAssetRead(db: Queryable, who: Requester, ids: readonly string[]): Promise<void> {
  const readable = await readableAssetIds(db, who, ids);
  if (ids.some((id) => !readable.has(id))) throw new BadRequest('Not found or no asset.read access');
}

export async function requireAssetOwner(db: Queryable, who: Requester, ids: readonly string[], permission = 'asset.update'): Promise<void> {
  const owned = await ownedAssetIds(db, who, ids);
  if (ids.some((id) => !owned.has(id))) throw new BadRequest(`Not found or no ${permission} access`);
}

/** Stacks are their owner's alone (as in Immich): no partner, album member or link may read or change one. */
export async function requireStackOwner(db: Queryable, who: Requester, ids: readonly string[], permission: string): Promise<void> {
  const owned = ids.length === 0 || who.sharedLink ? [] : (await db.query<{ id: string }>('SELECT id FROM stacks WHERE owner_id = $1 AND id = ANY($2::uuid[])', [who.user.id, ids])).rows;
  if (owned.length !== new Set(ids).size) throw new BadRequest(`Not found or no ${permission} access`);
}

/** The ids among `ids` of the requester's own tags: tags are their owner's alone (as in Immich). */
export async function ownedTagIds(db: Queryable, who: Requester, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0 || who.sharedLink) return new Set();
  const { rows } = await db.query<{ id: string }>('SELECT id FROM tags WHERE owner_id = $1 AND id = ANY($2::uuid[])', [who.user.id, ids]);
  return new Set(rows.map((row) => row.id));
}

export async function requireTagOwner(db: Queryable, who: Requester, ids: readonly string[], permission: string): Promise<void> {
  const owned = await ownedTagIds(db, who, ids);
  if (ids.some((id) => !owned.has(id))) throw new BadRequest(`Not found or no ${permission} access`);
}

/**
 * Duplicate groups are their owner's alone (as in Immich): a group id is the requester's when
 * one of their own assets is in it. Another user's assets under the same id are not in it.
 */
export async function ownedDuplicateIds(db: Queryable, who: Requester, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0 || who.sharedLink) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT a.duplicate_id AS id FROM assets a WHERE ${ownAsset('$1', who)} AND a.duplicate_id = ANY($2::uuid[])`,
    [who.user.id, ids],
  );
  return new Set(rows.map((row) => row.id));
}

export async function requireDuplicateOwner(db: Queryable, who: Requester, ids: readonly string[], permission: string): Promise<void> {
  const owned = await ownedDuplicateIds(db, who, ids);
  if (ids.some((id) => !owned.has(id))) throw new BadRequest(`Not found or no ${permission} access`);
}

/** A session is its user's alone; a shared link holds none. */
export async function requireOwnSession(db: Queryable, who: Requester, id: string, permission: string): Promise<void> {
  const own = !who.sharedLink && (await db.query('SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2', [id, who.user.id])).rows.length > 0;
  if (!own) throw new BadRequest(`Not found or no ${permission} access`);
}

/** The albums among `albumIds` the requester may add assets to: their own, and those they edit. */
export async function albumsToAddTo(db: Queryable, who: Requester, albumIds: readonly string[]): Promise<string[]> {
  if (albumIds.length === 0 || who.sharedLink) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT al.id FROM albums al WHERE al.id = ANY($1::uuid[])
       AND (al.owner_id = $2 OR EXISTS (SELECT 1 FROM album_users au WHERE au.album_id = al.id AND au.user_id = $2 AND au.role = 'editor'))`,
    [albumIds, who.user.id],
  );
  return rows.map((row) => row.id);
}

/** The requester's role in an album, or undefined when they may not see it at all. */
export async function albumRole(db: Queryable, who: Requester, albumId: string): Promise<AlbumRole | undefined> {
  if (who.sharedLink) return who.sharedLink.albumId === albumId ? 'viewer' : undefined;
  const { rows } = await db.query<{ role: AlbumRole }>(
    `SELECT CASE WHEN al.owner_id = $2 THEN 'owner' ELSE au.role END AS role
     FROM albums al LEFT JOIN album_users au ON au.album_id = al.id AND au.user_id = $2
     WHERE al.id = $1 AND (al.owner_id = $2 OR au.user_id IS NOT NULL)`,
    [albumId, who.user.id],
  );
  return rows[0]?.role;
}

const RANK: Record<AlbumRole, number> = { viewer: 0, editor: 1, owner: 2 };

/** Throws unless the requester holds at least `need` in the album; returns the role held. */
export async function requireAlbumRole(db: Queryable, who: Requester, albumId: string, need: AlbumRole, permission = 'album.read'): Promise<AlbumRole> {
  const role = await albumRole(db, who, albumId);
  if (!role || RANK[role] < RANK[need]) throw new BadRequest(`Not found or no ${permission} access`);
  return role;
}

/** Users whose libraries `userId` may read: themselves and everyone sharing with them as partner. */
export async function partnerIds(db: Queryable, userId: string, inTimelineOnly: boolean): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT shared_by_id AS id FROM partners WHERE shared_with_id = $1 AND (NOT $2 OR in_timeline)`,
    [userId, inTimelineOnly],
  );
  return rows.map((row) => row.id);
}

/**
 * A shared link follows (status, complete, abort) only uploads into what it shows, and only
 * while it allows uploads: never the owner's other unfinished uploads. A user's own uploads are
 * checked by owner where they are handled.
 */
export async function requireLinkUploadAccess(db: Queryable, who: Requester, assetId: string): Promise<void> {
  const link = who.sharedLink;
  if (!link) return;
  const { rows } = link.allowUpload
    ? await db.query(
        `SELECT 1 FROM assets a WHERE a.id = $1 AND a.status IN ('uploading', 'failed')
           AND (EXISTS (SELECT 1 FROM shared_link_assets s WHERE s.shared_link_id = $2 AND s.asset_id = a.id)
             OR EXISTS (SELECT 1 FROM album_assets aa WHERE aa.album_id = $3 AND aa.asset_id = a.id))`,
        [assetId, link.id, link.albumId],
      )
    : { rows: [] };
  if (rows.length === 0) throw new NotFound('No such upload');
}

/** A notification is its recipient's alone (as in Immich); a shared link holds none. */
export async function requireNotificationOwner(db: Queryable, who: Requester, ids: readonly string[], permission: string): Promise<void> {
  const wanted = new Set(ids);
  const own =
    wanted.size === 0 || who.sharedLink
      ? []
      : (await db.query<{ id: string }>('SELECT id FROM notifications WHERE user_id = $1 AND id = ANY($2::uuid[]) AND deleted_at IS NULL', [who.user.id, [...wanted]])).rows;
  if (own.length !== wanted.size) throw new BadRequest(`Not found or no ${permission} access`);
}

/**
 * Each account is its own cluster group (its id is the user's): Shoebox does not join accounts
 * into one set of people yet, so the only group anyone may read is their own.
 */
export function requireOwnClusterGroup(who: Requester, id: string, permission: string): void {
  if (who.sharedLink || id !== who.user.id) throw new BadRequest(`Not found or no ${permission} access`);
}
