import { z } from 'zod';
import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Requester } from '../access/access.js';

/** The derived files Immich's asset-file API knows; a video's poster is Shoebox's own and not listed. */
export const ImmichAssetFileType = z.enum(['fullsize', 'preview', 'thumbnail', 'sidecar', 'encoded_video']);
export type ImmichAssetFileType = z.infer<typeof ImmichAssetFileType>;

/** Immich's AssetFileResponseDto. */
export interface AssetFileDto {
  id: string;
  type: ImmichAssetFileType;
  /** Where the bytes lie: the object key in Shoebox's store (Immich gives its disk path). */
  path: string;
  /** Rendered from the picture as edited (the edits apply to thumbnail, preview and full size). */
  isEdited: boolean;
  /** Shoebox writes baseline JPEG and lossy WebP: never progressive. */
  isProgressive: boolean;
  /** Shoebox's renders are flattened to sRGB without an alpha channel. */
  isTransparent: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface AssetFileFilter {
  type?: ImmichAssetFileType;
  isEdited?: boolean;
  isProgressive?: boolean;
  isTransparent?: boolean;
}

type AssetFileRow = { id: string; assetId: string; type: ImmichAssetFileType; path: string; isEdited: boolean; createdAt: Date; updatedAt: Date };

/** Which stage makes a file again once it is gone (its "missing" run); none for the sidecar, written on edit. */
const MADE_BY: Partial<Record<ImmichAssetFileType, string>> = { thumbnail: 'thumbnail', preview: 'thumbnail', fullsize: 'thumbnail', encoded_video: 'transcode' };

const SELECT_FILES = `SELECT f.id, f.asset_id AS "assetId", f.type, f.path, (a.is_edited AND f.type IN ('thumbnail', 'preview', 'fullsize')) AS "isEdited",
    f.created_at AS "createdAt", f.updated_at AS "updatedAt"
  FROM asset_files f JOIN assets a ON a.id = f.asset_id
  WHERE f.type <> 'poster' AND a.owner_id = $1 AND a.deleted_at IS NULL`;

function toDto(row: AssetFileRow): AssetFileDto {
  return {
    id: row.id,
    type: row.type,
    path: row.path,
    isEdited: row.isEdited,
    isProgressive: false,
    isTransparent: false,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * An asset's derived files. Like Immich 3.2's (alpha) API these are the owner's alone: a
 * partner, album member or link holder sees the photo through the asset routes, not its files.
 * Someone else's asset lists nothing, as one with no files does.
 */
export async function searchAssetFiles(db: Queryable, who: Requester, assetId: string, filter: AssetFileFilter): Promise<AssetFileDto[]> {
  if (who.sharedLink) return [];
  const { rows } = await db.query<AssetFileRow>(`${SELECT_FILES} AND f.asset_id = $2 ORDER BY f.type`, [who.user.id, assetId]);
  return rows
    .map(toDto)
    .filter(
      (file) =>
        (filter.type === undefined || file.type === filter.type) &&
        (filter.isEdited === undefined || file.isEdited === filter.isEdited) &&
        (filter.isProgressive === undefined || file.isProgressive === filter.isProgressive) &&
        (filter.isTransparent === undefined || file.isTransparent === filter.isTransparent),
    );
}

/** One of the requester's own asset files, by its id; Immich's words when it is not theirs or not there. */
export async function requireAssetFile(db: Queryable, who: Requester, id: string, permission: string): Promise<AssetFileDto & { assetId: string }> {
  const row = who.sharedLink ? undefined : (await db.query<AssetFileRow>(`${SELECT_FILES} AND f.id = $2`, [who.user.id, id])).rows[0];
  if (!row) throw new BadRequest(`Not found or no ${permission} access`);
  return { ...toDto(row), assetId: row.assetId };
}

/**
 * Removes a derived file: its record, its bytes, and its stage's conclusion, so that starting
 * that stage for missing work (the jobs page, or POST /assets/jobs) renders it again.
 */
export async function deleteAssetFile(db: Queryable, store: ObjectStore, file: AssetFileDto & { assetId: string }): Promise<void> {
  await db.query('DELETE FROM asset_files WHERE id = $1', [file.id]);
  const stage = MADE_BY[file.type];
  if (stage) await db.query('DELETE FROM asset_job_status WHERE asset_id = $1 AND stage = $2', [file.assetId, stage]);
  await store.delete(file.path);
}
