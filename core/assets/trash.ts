import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';
import { addLiveNotice } from '../sync/live-events.js';
import { deleteAssetRows } from './asset-queries.js';

/**
 * Trash, restore, and deletion for good. Deleting for good removes rows first, then bytes:
 * a crash between the two leaves unreferenced bytes (harmless, swept by nothing worse than
 * disk use), never rows pointing at missing bytes. Originals of external-library assets are
 * the user's own files and are never deleted — only their derived files are.
 */
const BATCH = 500;

export async function trashAssets(db: Queryable, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.query('UPDATE assets SET deleted_at = now(), updated_at = now() WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [ids]);
  return result.rowCount ?? 0;
}

/**
 * Restores trashed assets among `ids`, or all of an owner's trash when `ids` is undefined, and
 * tells the owner's live connections (`on_asset_restore`; a missed one only waits for the next sync).
 */
export async function restoreAssets(db: Queryable, ownerId: string, ids?: string[]): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    // An offline asset stays in the trash until its file is back (Immich's rule).
    `UPDATE assets SET deleted_at = NULL, trashed_offline = false, updated_at = now()
     WHERE owner_id = $1 AND deleted_at IS NOT NULL AND NOT is_offline AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) RETURNING id`,
    [ownerId, ids ?? null],
  );
  if (rows.length > 0) await addLiveNotice(db, 'on_asset_restore', [ownerId], rows.map((row) => row.id));
  return rows.length;
}

/** Deletes assets for good, in batches: rows, then their bytes. Returns how many went. */
export async function removeAssets(db: Queryable, store: ObjectStore, ids: string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    const { rows } = await db.query<{ path: string }>(
      `SELECT original_path AS path FROM assets WHERE id = ANY($1::uuid[]) AND library_id IS NULL
       UNION ALL SELECT path FROM asset_files WHERE asset_id = ANY($1::uuid[])`,
      [batch],
    );
    await deleteAssetRows(db, batch);
    await Promise.all(rows.map((row) => store.delete(row.path)));
    removed += batch.length;
  }
  return removed;
}

/**
 * The owner's trash (what "empty trash" removes: not offline assets, which wait for their file
 * to return, as in Immich), or everyone's trash older than `before` (the daily purge, offline
 * assets too: only the row and derived files go, never the user's file).
 */
export async function trashedAssetIds(db: Queryable, filter: { ownerId?: string; before?: Date }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM assets WHERE deleted_at IS NOT NULL
       AND ($1::uuid IS NULL OR (owner_id = $1 AND NOT is_offline)) AND ($2::timestamptz IS NULL OR deleted_at < $2)`,
    [filter.ownerId ?? null, filter.before ?? null],
  );
  return rows.map((row) => row.id);
}
