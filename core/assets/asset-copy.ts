import { albumsToAddTo, type Requester } from '../access/access.js';
import { addAlbumAssets, albumsContaining } from '../albums/album-queries.js';
import { BadRequest } from '../errors.js';
import type { Database } from '../ports/database.js';
import { copySharedLinkMembership } from '../sharing/shared-link.js';
import { joinStack } from '../stacks/stacks.js';
import type { ObjectStore } from '../ports/object-store.js';
import { tagsOfAssets } from '../tags/tags.js';
import { editAssets, type AssetEdit } from './asset-edits.js';
import { getAsset, getExif } from './asset-queries.js';

/** What Immich's PUT /assets/copy carries over (each true unless turned off). */
export interface CopyParts {
  albums: boolean;
  sharedLinks: boolean;
  stack: boolean;
  favorite: boolean;
  /** The metadata a person edited (the sidecar's part): date, place, description, rating, tags. */
  sidecar: boolean;
}

/**
 * Makes `targetId` stand where `sourceId` stands — the phone app saving an edited photo as a
 * new one: in the source's albums and shared links, in its stack, with its favourite and the
 * metadata edited on it. Both are the requester's (core/access decides); the source is untouched.
 * Repeating it changes nothing more.
 */
export async function copyAssetPlace(db: Database, store: ObjectStore, who: Requester, sourceId: string, targetId: string, parts: CopyParts): Promise<void> {
  if (sourceId === targetId) throw new BadRequest('Source and target id must be distinct');
  const [source, target] = await Promise.all([getAsset(db, sourceId), getAsset(db, targetId)]);
  if (!source || !target) throw new BadRequest('Both assets must exist');

  if (parts.albums) {
    // Only albums the requester may add to: the source may also sit in an album they only view.
    for (const albumId of await albumsToAddTo(db, who, await albumsContaining(db, [sourceId]))) await addAlbumAssets(db, albumId, [targetId], who.user.id);
  }
  if (parts.sharedLinks) await copySharedLinkMembership(db, sourceId, targetId);
  if (parts.stack && source.stackId) await joinStack(db, source.stackId, targetId);
  const edit: AssetEdit = {};
  if (parts.favorite) edit.isFavorite = source.isFavorite;
  if (parts.sidecar) Object.assign(edit, await editedMetadata(db, who.user.id, sourceId));
  if (Object.keys(edit).length > 0) await editAssets(db, store, [targetId], edit);
}

/** The properties a person edited on an asset (asset_exif.locked_properties), as an edit to repeat elsewhere. */
async function editedMetadata(db: Database, ownerId: string, assetId: string): Promise<AssetEdit> {
  const { rows } = await db.query<{ locked: string[]; localDateTime: string; timeZone: string | null }>(
    `SELECT x.locked_properties AS locked, a.local_date_time::text AS "localDateTime", a.time_zone AS "timeZone"
     FROM assets a JOIN asset_exif x ON x.asset_id = a.id WHERE a.id = $1`,
    [assetId],
  );
  if (!rows[0]) return {};
  const locked = new Set(rows[0].locked);
  const exif = (await getExif(db, [assetId])).get(assetId);
  const edit: AssetEdit = {};
  if (locked.has('dateTimeOriginal')) edit.dateTimeOriginal = `${rows[0].localDateTime.replace(' ', 'T')}${rows[0].timeZone ?? ''}`;
  if (locked.has('location') && exif?.latitude != null && exif.longitude != null) {
    edit.latitude = exif.latitude;
    edit.longitude = exif.longitude;
  }
  if (locked.has('description')) edit.description = exif?.description ?? '';
  if (locked.has('rating')) edit.rating = exif?.rating ?? null;
  if (locked.has('tags')) edit.tags = ((await tagsOfAssets(db, ownerId, [assetId])).get(assetId) ?? []).map((t) => t.value);
  return edit;
}
