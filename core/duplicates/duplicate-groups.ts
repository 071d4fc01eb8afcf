import { albumsToAddTo, type Requester } from '../access/access.js';
import { addAlbumAssets, albumsContaining } from '../albums/album-queries.js';
import { editAssets, type AssetEdit } from '../assets/asset-edits.js';
import { getAssets, getExif, type ExifRow } from '../assets/asset-queries.js';
import type { Asset } from '../assets/asset.js';
import { trashAssets } from '../assets/trash.js';
import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';
import { tagsOfAssets } from '../tags/tags.js';

/**
 * Duplicate groups as their owner reviews them (Immich's /duplicates): list, dismiss (keep
 * all), resolve (keep some, trash the rest, the keeper taking what the others knew). Who may
 * touch a group — its owner — is core/access's to decide; these functions trust their caller.
 */
export interface DuplicateGroup {
  duplicateId: string;
  /** Its listed members, oldest capture first. */
  assetIds: string[];
}

/** What a group lists: Immich's rule, and never a locked asset (the locked folder stands apart). */
const LISTED = `a.deleted_at IS NULL AND a.stack_id IS NULL AND a.visibility IN ('timeline', 'archive')`;

/**
 * The owner's groups of two or more. A group left with one member (the others trashed,
 * stacked, resolved elsewhere) is dissolved first, as Immich does.
 */
export async function listDuplicateGroups(db: Queryable, ownerId: string): Promise<DuplicateGroup[]> {
  await db.query(
    `UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE owner_id = $1 AND duplicate_id IN (
       SELECT a.duplicate_id FROM assets a WHERE a.owner_id = $1 AND a.duplicate_id IS NOT NULL AND ${LISTED}
       GROUP BY a.duplicate_id HAVING count(*) = 1)`,
    [ownerId],
  );
  const { rows } = await db.query<DuplicateGroup>(
    `SELECT a.duplicate_id AS "duplicateId", array_agg(a.id ORDER BY a.local_date_time, a.id) AS "assetIds"
     FROM assets a WHERE a.owner_id = $1 AND a.duplicate_id IS NOT NULL AND ${LISTED}
     GROUP BY a.duplicate_id HAVING count(*) > 1 ORDER BY min(a.local_date_time) DESC, a.duplicate_id`,
    [ownerId],
  );
  return rows;
}

/** The owner's listed members of one group (empty when there is no such group of theirs). */
export async function duplicateGroupMembers(db: Queryable, ownerId: string, duplicateId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM assets a WHERE a.owner_id = $1 AND a.duplicate_id = $2 AND ${LISTED} ORDER BY a.local_date_time, a.id`,
    [ownerId, duplicateId],
  );
  return rows.map((row) => row.id);
}

/** Keeps every asset of the groups: they are no longer duplicates of each other. */
export async function dismissDuplicateGroups(db: Queryable, ownerId: string, duplicateIds: readonly string[]): Promise<void> {
  await db.query('UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE owner_id = $1 AND duplicate_id = ANY($2::uuid[])', [ownerId, duplicateIds]);
}

/**
 * Immich's suggestion of the one to keep: the largest file, then the one that knows most
 * (the most EXIF fields filled in).
 */
export function suggestedKeeper(assets: ReadonlyArray<{ id: string; exif: ExifRow | undefined }>): string | undefined {
  const known = (exif: ExifRow | undefined) => Object.values(exif ?? {}).filter(Boolean).length;
  let best: (typeof assets)[number] | undefined;
  for (const asset of assets) {
    if (!best) best = asset;
    else {
      const size = asset.exif?.fileSizeInByte ?? 0;
      const bestSize = best.exif?.fileSizeInByte ?? 0;
      if (size > bestSize || (size === bestSize && known(asset.exif) > known(best.exif))) best = asset;
    }
  }
  return best?.id;
}

export interface DuplicateResolution {
  duplicateId: string;
  keepAssetIds: string[];
  trashAssetIds: string[];
}

/** Immich's BulkIdResponseDto for one group. */
export type ResolveOutcome = { id: string; success: true } | { id: string; success: false; error: 'not_found' | 'validation'; errorMessage: string };

/**
 * Resolves one group of the requester's: every member is named once, kept or trashed. With
 * exactly one keeper it takes what the trashed ones knew (Immich's metadata sync): favourite,
 * the most private visibility, the best rating, every description line, a location they agree
 * on, their albums and their tags. The keeper is changed before anything is trashed, so a
 * crash before the trashing leaves the group whole, to resolve again.
 */
export async function resolveDuplicateGroup(
  db: Queryable,
  store: ObjectStore,
  who: Requester,
  resolution: DuplicateResolution,
): Promise<ResolveOutcome> {
  const { duplicateId } = resolution;
  const members = await duplicateGroupMembers(db, who.user.id, duplicateId);
  if (members.length === 0) return { id: duplicateId, success: false, error: 'not_found', errorMessage: 'Duplicate group not found or access denied' };
  const keep = [...new Set(resolution.keepAssetIds)];
  const trash = [...new Set(resolution.trashAssetIds)];
  const problem = resolutionProblem(duplicateId, members, keep, trash);
  if (problem) return { id: duplicateId, success: false, error: 'validation', errorMessage: problem };

  if (keep.length === 1 && trash.length > 0) await mergeIntoKeeper(db, store, who, keep[0]!, members);
  await trashAssets(db, trash);
  // A crash before this leaves the kept ones still grouped (the trashed ones are no longer listed): resolving again finishes.
  await db.query('UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE id = ANY($1::uuid[])', [members]);
  return { id: duplicateId, success: true };
}

/** Why a resolution cannot be carried out, or undefined: the two lists must be disjoint and name every member, and only members. */
export function resolutionProblem(duplicateId: string, members: readonly string[], keep: readonly string[], trash: readonly string[]): string | undefined {
  const inGroup = new Set(members);
  const stranger = [...keep, ...trash].find((id) => !inGroup.has(id));
  if (stranger) return `Asset ${stranger} is not a member of duplicate group ${duplicateId}`;
  if (keep.some((id) => trash.includes(id))) return 'keepAssetIds and trashAssetIds must be disjoint: an asset cannot be in both';
  if (members.some((id) => !keep.includes(id) && !trash.includes(id))) {
    return 'keepAssetIds and trashAssetIds must cover all assets of the group: every asset must be in either one';
  }
  return undefined;
}

async function mergeIntoKeeper(db: Queryable, store: ObjectStore, who: Requester, keeperId: string, members: string[]): Promise<void> {
  const [assets, exif] = await Promise.all([getAssets(db, members), getExif(db, members)]);
  const edit = mergedEdit(assets, exif, await tagsOfAssets(db, who.user.id, members));
  await editAssets(db, store, [keeperId], edit);
  for (const albumId of await albumsToAddTo(db, who, await albumsContaining(db, members))) await addAlbumAssets(db, albumId, [keeperId], who.user.id);
}

/** What the keeper takes from the whole group, as an edit (only what someone in it knew). */
export function mergedEdit(assets: readonly Asset[], exif: ReadonlyMap<string, ExifRow>, tags: ReadonlyMap<string, ReadonlyArray<{ value: string }>>): AssetEdit {
  const edit: AssetEdit = { isFavorite: assets.some((a) => a.isFavorite) };
  if (assets.some((a) => a.visibility === 'archive')) edit.visibility = 'archive';
  const rows = assets.map((a) => exif.get(a.id));
  const rating = Math.max(0, ...rows.map((x) => x?.rating ?? 0));
  if (rating > 0) edit.rating = rating;
  const lines = [...new Set(rows.flatMap((x) => (x?.description ?? '').split(/\r?\n/).map((line) => line.trim())).filter(Boolean))];
  if (lines.length > 0) edit.description = lines.join('\n');
  const places = new Set(rows.flatMap((x) => (x?.latitude != null && x.longitude != null ? [`${x.latitude},${x.longitude}`] : [])));
  if (places.size === 1) {
    const [latitude, longitude] = [...places][0]!.split(',').map(Number);
    edit.latitude = latitude;
    edit.longitude = longitude;
  }
  const values = [...new Set(assets.flatMap((a) => (tags.get(a.id) ?? []).map((t) => t.value)))];
  if (values.length > 0) edit.tags = values.sort();
  return edit;
}
