import type { Queryable } from '../ports/database.js';
import type { Asset } from './asset.js';
import { ASSET_COLUMNS } from './asset-queries.js';

/**
 * Folders (Immich's /view/folder): an external library's files by the folder they lie in on
 * disk; uploads, whose stored path is only ids, by when they were taken — `Uploads/2024/05`,
 * the shape of Immich's default storage template. Only what the owner's timeline shows counts.
 */
const FOLDER = `CASE WHEN a.library_id IS NOT NULL THEN regexp_replace(a.original_path, '/[^/]*$', '')
  ELSE 'Uploads/' || to_char(a.local_date_time, 'YYYY/MM') END`;
const SHOWN = `a.owner_id = $1 AND a.visibility = 'timeline' AND a.deleted_at IS NULL AND a.status <> 'uploading'`;

export async function uniqueFolders(db: Queryable, ownerId: string): Promise<string[]> {
  const { rows } = await db.query<{ folder: string }>(`SELECT DISTINCT ${FOLDER} AS folder FROM assets a WHERE ${SHOWN} ORDER BY folder`, [ownerId]);
  return rows.map((row) => row.folder);
}

/** The assets right in `folder` (not in folders below it), by file name. */
export async function assetsInFolder(db: Queryable, ownerId: string, folder: string): Promise<Asset[]> {
  const { rows } = await db.query<Asset>(
    `SELECT ${ASSET_COLUMNS} FROM assets a WHERE ${SHOWN} AND ${FOLDER} = $2 ORDER BY a.original_file_name, a.id LIMIT 10000`,
    [ownerId, folder.replace(/\/+$/, '')],
  );
  return rows;
}
