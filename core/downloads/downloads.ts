import { albumRole, LISTED_TO_OTHERS, readableAssetIds, type Requester } from '../access/access.js';
import { getAssets } from '../assets/asset-queries.js';
import type { Asset } from '../assets/asset.js';
import { BadRequest, Forbidden } from '../errors.js';
import type { Queryable } from '../ports/database.js';

/** Immich's DownloadResponseDto: the assets split into archives of about `archiveSize` bytes each. */
export interface DownloadPlan {
  totalSize: number;
  archives: Array<{ assetIds: string[]; size: number }>;
}

/** Immich's default split: archives of 4 GiB. */
export const DEFAULT_ARCHIVE_SIZE = 4 * 1024 ** 3;

/**
 * The assets `ids` — every one the requester's to download, else none — in the order asked, with the motion part
 * of each live photo among them (hidden from lists, but part of the photo). A shared link must
 * allow downloads.
 */
export async function downloadableAssets(db: Queryable, who: Requester, ids: readonly string[]): Promise<Asset[]> {
  if (who.sharedLink && !who.sharedLink.allowDownload) throw new Forbidden('This shared link does not allow downloads');
  const unique = [...new Set(ids)];
  const readable = await readableAssetIds(db, who, unique);
  if (unique.some((id) => !readable.has(id))) throw new BadRequest('Not found or no asset.download access');
  const ordered = await getAssets(db, unique);
  const byId = new Map(ordered.map((a) => [a.id, a]));
  const motionIds = ordered.flatMap((a) => (a.livePhotoVideoId && !byId.has(a.livePhotoVideoId) ? [a.livePhotoVideoId] : []));
  return [...ordered, ...(await getAssets(db, motionIds))];
}

/** Splits assets into archives as Immich does: an archive closes once it passes the target size. */
export function planArchives(assets: ReadonlyArray<Pick<Asset, 'id' | 'fileSizeBytes'>>, archiveSize = DEFAULT_ARCHIVE_SIZE): DownloadPlan {
  const archives: DownloadPlan['archives'] = [];
  let current = { assetIds: [] as string[], size: 0 };
  for (const asset of assets) {
    current.assetIds.push(asset.id);
    current.size += Number(asset.fileSizeBytes ?? 0);
    if (current.size > archiveSize) {
      archives.push(current);
      current = { assetIds: [], size: 0 };
    }
  }
  if (current.assetIds.length > 0) archives.push(current);
  return { totalSize: archives.reduce((n, a) => n + a.size, 0), archives };
}

/**
 * What a download of `assetIds`, an album, or a whole library (the requester's own, as in
 * Immich) means, as asset ids by capture time; access is checked again per asset after.
 */
export async function idsToDownload(db: Queryable, who: Requester, what: { assetIds?: string[]; albumId?: string; userId?: string }): Promise<string[]> {
  if (what.assetIds) return what.assetIds;
  if (what.albumId) {
    if (!(await albumRole(db, who, what.albumId))) throw new BadRequest('Not found or no album.download access');
    const { rows } = await db.query<{ id: string }>(
      `SELECT a.id FROM album_assets aa JOIN assets a ON a.id = aa.asset_id WHERE aa.album_id = $1 AND ${LISTED_TO_OTHERS} ORDER BY a.taken_at, a.id`,
      [what.albumId],
    );
    return rows.map((row) => row.id);
  }
  if (what.userId) {
    if (who.sharedLink || what.userId !== who.user.id) throw new BadRequest('Not found or no timeline.download access');
    const { rows } = await db.query<{ id: string }>(
      `SELECT a.id FROM assets a WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility IN ('timeline', 'archive') AND a.status <> 'uploading'
       ORDER BY a.taken_at, a.id`,
      [what.userId],
    );
    return rows.map((row) => row.id);
  }
  throw new BadRequest('assetIds, albumId, or userId is required');
}
