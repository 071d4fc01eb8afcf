import type { AssetType } from '../media/media-types.js';
import type { Queryable } from '../ports/database.js';

export interface Library {
  id: string;
  ownerId: string;
  name: string;
  importPaths: string[];
  exclusionPatterns: string[];
  refreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const LIBRARY_COLUMNS = `l.id, l.owner_id AS "ownerId", l.name, l.import_paths AS "importPaths", l.exclusion_patterns AS "exclusionPatterns",
  l.refreshed_at AS "refreshedAt", l.created_at AS "createdAt", l.updated_at AS "updatedAt"`;

export async function insertLibrary(db: Queryable, l: Pick<Library, 'ownerId' | 'name' | 'importPaths' | 'exclusionPatterns'>): Promise<Library> {
  const { rows } = await db.query<Library>(
    `INSERT INTO libraries AS l (owner_id, name, import_paths, exclusion_patterns) VALUES ($1, $2, $3, $4) RETURNING ${LIBRARY_COLUMNS}`,
    [l.ownerId, l.name, l.importPaths, l.exclusionPatterns],
  );
  return rows[0]!;
}

export async function getLibrary(db: Queryable, id: string): Promise<Library | undefined> {
  const { rows } = await db.query<Library>(`SELECT ${LIBRARY_COLUMNS} FROM libraries l WHERE l.id = $1 AND l.deleted_at IS NULL`, [id]);
  return rows[0];
}

export async function listLibraries(db: Queryable): Promise<Library[]> {
  const { rows } = await db.query<Library>(`SELECT ${LIBRARY_COLUMNS} FROM libraries l WHERE l.deleted_at IS NULL ORDER BY l.created_at`);
  return rows;
}

export async function updateLibrary(db: Queryable, id: string, change: Partial<Pick<Library, 'name' | 'importPaths' | 'exclusionPatterns'>>): Promise<Library | undefined> {
  const { rows } = await db.query<Library>(
    `UPDATE libraries l SET name = coalesce($2, name), import_paths = coalesce($3, import_paths),
       exclusion_patterns = coalesce($4, exclusion_patterns), updated_at = now()
     WHERE l.id = $1 AND l.deleted_at IS NULL RETURNING ${LIBRARY_COLUMNS}`,
    [id, change.name ?? null, change.importPaths ?? null, change.exclusionPatterns ?? null],
  );
  return rows[0];
}

export async function deleteLibraryRow(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM libraries WHERE id = $1', [id]);
}

export async function libraryAssetIds(db: Queryable, libraryId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM assets WHERE library_id = $1', [libraryId]);
  return rows.map((r) => r.id);
}

export interface IndexedFile {
  id: string;
  size: number | null;
  mtime: Date | null;
  isOffline: boolean;
}

/** What the last scans recorded, by path: the scan compares the folder against it. */
export async function indexedFiles(db: Queryable, libraryId: string): Promise<Map<string, IndexedFile>> {
  const { rows } = await db.query<IndexedFile & { path: string }>(
    `SELECT id, original_path AS path, file_size_bytes AS size, file_mtime AS mtime, is_offline AS "isOffline"
     FROM assets WHERE library_id = $1`,
    [libraryId],
  );
  return new Map(rows.map(({ path, ...file }) => [path, file]));
}

export interface NewLibraryFile {
  id: string;
  path: string;
  fileName: string;
  type: AssetType;
  size: number;
  modifiedAt: Date;
}

/** New files, as assets waiting for the metadata stage; a file already indexed is left alone. Returns the ids added. */
export async function insertLibraryFiles(db: Queryable, library: Library, files: NewLibraryFile[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO assets (id, owner_id, library_id, type, status, original_path, original_file_name, file_size_bytes,
       taken_at, local_date_time, file_created_at, file_modified_at, file_mtime)
     SELECT f.id, $1, $2, f.type, 'processing', f.path, f.name, f.size, f.mtime, f.mtime AT TIME ZONE 'UTC', f.mtime, f.mtime, f.mtime
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[]) AS f (id, path, name, type, size, mtime)
     ON CONFLICT DO NOTHING RETURNING id`,
    [
      library.ownerId,
      library.id,
      files.map((f) => f.id),
      files.map((f) => f.path),
      files.map((f) => f.fileName),
      files.map((f) => f.type),
      files.map((f) => f.size),
      files.map((f) => f.modifiedAt),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** Files whose size or time changed: they are read again, their old checksum no longer holds. */
export async function markFilesChanged(db: Queryable, files: Array<{ id: string; size: number; modifiedAt: Date }>): Promise<void> {
  if (files.length === 0) return;
  await db.query(
    `UPDATE assets a SET status = 'processing', checksum = NULL, file_size_bytes = f.size, file_mtime = f.mtime,
       file_modified_at = f.mtime, ${BACK_ONLINE}, updated_at = now()
     FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) AS f (id, size, mtime) WHERE a.id = f.id`,
    [files.map((f) => f.id), files.map((f) => f.size), files.map((f) => f.modifiedAt)],
  );
}

/** A file back where it was: online again, and out of the trash if going offline put it there. */
const BACK_ONLINE = `is_offline = false, deleted_at = CASE WHEN trashed_offline THEN NULL ELSE deleted_at END, trashed_offline = false`;

/**
 * Marks assets whose files are missing (offline: they go to the trash, unless already there)
 * or back (online: out of the trash again, unless the user had trashed them).
 */
export async function setOffline(db: Queryable, ids: string[], offline: boolean): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    offline
      ? `UPDATE assets SET is_offline = true, trashed_offline = trashed_offline OR deleted_at IS NULL, deleted_at = coalesce(deleted_at, now()), updated_at = now()
         WHERE id = ANY($1::uuid[])`
      : `UPDATE assets SET ${BACK_ONLINE}, updated_at = now() WHERE id = ANY($1::uuid[])`,
    [ids],
  );
}

export async function markLibraryRefreshed(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query('UPDATE libraries SET refreshed_at = $2 WHERE id = $1', [id, at]);
}

export async function libraryStatistics(db: Queryable, id: string): Promise<{ photos: number; videos: number; total: number; usage: number; offline: number }> {
  const { rows } = await db.query<{ photos: number; videos: number; total: number; usage: number; offline: number }>(
    `SELECT count(*) FILTER (WHERE type = 'IMAGE')::int AS photos, count(*) FILTER (WHERE type = 'VIDEO')::int AS videos,
       count(*)::int AS total, coalesce(sum(file_size_bytes), 0)::bigint AS usage, count(*) FILTER (WHERE is_offline)::int AS offline
     FROM assets WHERE library_id = $1`,
    [id],
  );
  return rows[0]!;
}
