import { taggedWith } from '../tags/tags.js';
import type { Queryable } from '../ports/database.js';
import type { Asset, AssetFile, AssetFileType } from './asset.js';

export const ASSET_COLUMNS = `
  a.id, a.owner_id AS "ownerId", a.library_id AS "libraryId", a.device_asset_id AS "deviceAssetId",
  a.device_id AS "deviceId", a.type, a.status, a.failed_reason AS "failedReason",
  a.original_path AS "originalPath", a.original_file_name AS "originalFileName",
  a.original_mime_type AS "originalMimeType", a.checksum, a.file_size_bytes AS "fileSizeBytes",
  a.width, a.height, a.duration_ms AS "durationMs", a.taken_at AS "takenAt",
  a.local_date_time AS "localDateTime", a.time_zone AS "timeZone", a.file_created_at AS "fileCreatedAt",
  a.file_modified_at AS "fileModifiedAt", a.thumbhash, a.is_favorite AS "isFavorite", a.visibility,
  a.is_offline AS "isOffline", a.live_photo_video_id AS "livePhotoVideoId", a.stack_id AS "stackId",
  a.duplicate_id AS "duplicateId", a.is_edited AS "isEdited", a.original_width AS "originalWidth", a.original_height AS "originalHeight",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.deleted_at AS "deletedAt"`;

export interface NewAsset {
  id: string;
  ownerId: string;
  type: Asset['type'];
  originalPath: string;
  originalFileName: string;
  originalMimeType: string | null;
  checksum: Buffer;
  fileSizeBytes: number;
  fileCreatedAt: Date;
  fileModifiedAt: Date;
  deviceAssetId: string | null;
  deviceId: string | null;
  isFavorite: boolean;
  visibility: Asset['visibility'];
}

export interface NewUploadSession {
  expectedSize: number;
  expiresAt: Date;
}

/**
 * Many reservations (asset awaiting bytes + its upload session) in ONE statement: the
 * group commit behind create-upload. Returns, per item, whether it was inserted (false:
 * the owner already has these bytes, possibly from an earlier item of the same batch).
 */
export async function insertUploadingAssets(db: Queryable, items: Array<{ asset: NewAsset; session: NewUploadSession }>): Promise<boolean[]> {
  const column = <T>(pick: (item: (typeof items)[number]) => T) => items.map(pick);
  const { rows } = await db.query<{ id: string }>({
    name: 'insert-uploading-assets',
    text: `WITH input AS (
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::bigint[],
          $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[], $13::boolean[], $14::text[], $15::bigint[], $16::timestamptz[])
          AS i (id, owner_id, type, original_path, original_file_name, original_mime_type, checksum, file_size_bytes,
            file_created_at, file_modified_at, device_asset_id, device_id, is_favorite, visibility, expected_size, expires_at)
      ), asset AS (
        INSERT INTO assets (id, owner_id, type, status, original_path, original_file_name, original_mime_type, checksum,
          file_size_bytes, taken_at, local_date_time, file_created_at, file_modified_at, device_asset_id, device_id,
          is_favorite, visibility)
        SELECT id, owner_id, type, 'uploading', original_path, original_file_name, original_mime_type, checksum, file_size_bytes,
          file_created_at, file_created_at AT TIME ZONE 'UTC', file_created_at, file_modified_at, device_asset_id, device_id,
          is_favorite, visibility
        FROM input
        ON CONFLICT DO NOTHING
        RETURNING id, owner_id, original_path
      )
      INSERT INTO upload_sessions (asset_id, owner_id, object_key, expected_size, expires_at)
      SELECT a.id, a.owner_id, a.original_path, i.expected_size, i.expires_at FROM asset a JOIN input i USING (id)
      RETURNING asset_id AS id`,
    values: [
      column((i) => i.asset.id),
      column((i) => i.asset.ownerId),
      column((i) => i.asset.type),
      column((i) => i.asset.originalPath),
      column((i) => i.asset.originalFileName),
      column((i) => i.asset.originalMimeType),
      column((i) => i.asset.checksum),
      column((i) => i.asset.fileSizeBytes),
      column((i) => i.asset.fileCreatedAt),
      column((i) => i.asset.fileModifiedAt),
      column((i) => i.asset.deviceAssetId),
      column((i) => i.asset.deviceId),
      column((i) => i.asset.isFavorite),
      column((i) => i.asset.visibility),
      column((i) => i.session.expectedSize),
      column((i) => i.session.expiresAt),
    ],
  });
  const inserted = new Set(rows.map((row) => row.id));
  return items.map((item) => inserted.has(item.asset.id));
}

/** A failed upload whose bytes were refused goes back to waiting for them (same session). */
export async function reopenUpload(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE assets SET status = 'uploading', failed_reason = NULL, updated_at = now() WHERE id = $1`, [id]);
}

export async function getAsset(db: Queryable, id: string): Promise<Asset | undefined> {
  const { rows } = await db.query<Asset>(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1`, [id]);
  return rows[0];
}

/** Assets by id, in the order of `ids`. */
export async function getAssets(db: Queryable, ids: string[]): Promise<Asset[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<Asset>(
    `SELECT ${ASSET_COLUMNS} FROM unnest($1::uuid[]) WITH ORDINALITY AS i (id, n) JOIN assets a ON a.id = i.id ORDER BY i.n`,
    [ids],
  );
  return rows;
}

export interface ChecksumMatch {
  checksum: Buffer;
  id: string;
  status: Asset['status'];
  isTrashed: boolean;
}

export async function findByChecksums(db: Queryable, ownerId: string, checksums: Buffer[]): Promise<ChecksumMatch[]> {
  if (checksums.length === 0) return [];
  const { rows } = await db.query<ChecksumMatch>(
    `SELECT checksum, id, status, deleted_at IS NOT NULL AS "isTrashed"
     FROM assets WHERE owner_id = $1 AND library_id IS NULL AND checksum = ANY($2::bytea[])`,
    [ownerId, checksums],
  );
  return rows;
}


export interface ExifRow {
  make: string | null;
  model: string | null;
  lensModel: string | null;
  exifImageWidth: number | null;
  exifImageHeight: number | null;
  fileSizeInByte: number | null;
  orientation: string | null;
  dateTimeOriginal: Date | null;
  modifyDate: Date | null;
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  city: string | null;
  state: string | null;
  country: string | null;
  description: string;
  rating: number | null;
  fNumber: number | null;
  focalLength: number | null;
  iso: number | null;
  exposureTime: string | null;
  projectionType: string | null;
}

/**
 * Each asset's EXIF, one row for every asset that exists: before the metadata stage has run, a
 * blank one with the upload's size, as Immich writes its exif row at upload (clients expect
 * `exifInfo` on every asset).
 */
export async function getExif(db: Queryable, assetIds: string[]): Promise<Map<string, ExifRow>> {
  if (assetIds.length === 0) return new Map();
  const { rows } = await db.query<ExifRow & { assetId: string }>(
    `SELECT a.id AS "assetId", e.make, e.model, e.lens_model AS "lensModel", e.exif_image_width AS "exifImageWidth",
       e.exif_image_height AS "exifImageHeight", COALESCE(e.file_size_bytes, a.file_size_bytes) AS "fileSizeInByte", e.orientation,
       e.date_time_original AS "dateTimeOriginal", e.modify_date AS "modifyDate", e.time_zone AS "timeZone",
       e.latitude, e.longitude, e.city, e.state, e.country, COALESCE(e.description, '') AS description, e.rating, e.f_number AS "fNumber",
       e.focal_length AS "focalLength", e.iso, e.exposure_time AS "exposureTime", e.projection_type AS "projectionType"
     FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id WHERE a.id = ANY($1::uuid[])`,
    [assetIds],
  );
  return new Map(rows.map(({ assetId, ...exif }) => [assetId, exif]));
}

export async function getAssetFile(db: Queryable, assetId: string, type: AssetFileType): Promise<AssetFile | undefined> {
  const { rows } = await db.query<AssetFile>(
    `SELECT type, path, width, height, size_bytes AS "sizeBytes" FROM asset_files WHERE asset_id = $1 AND type = $2`,
    [assetId, type],
  );
  return rows[0];
}

export async function deleteAssetRows(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.query('DELETE FROM assets WHERE id = ANY($1::uuid[])', [ids]);
}

/** Which of an owner's assets a metadata search, a random pick, a count or the large-files list means (Immich's search filters). */
export interface AssetFilter {
  ownerId: string;
  id?: string;
  checksum?: Buffer;
  type?: Asset['type'];
  isFavorite?: boolean;
  visibility?: Asset['visibility'];
  /** The locked folder too, when no visibility is asked for (an unlocked session: see ownLibrary). */
  withLocked?: boolean;
  withDeleted?: boolean;
  takenAfter?: Date;
  takenBefore?: Date;
  createdAfter?: Date;
  createdBefore?: Date;
  updatedAfter?: Date;
  updatedBefore?: Date;
  /** Trashed in this span (trashed assets only). */
  trashedAfter?: Date;
  trashedBefore?: Date;
  originalFileName?: string;
  originalPath?: string;
  trashedOnly?: boolean;
  /** null: the field is unknown (Immich's "no city"). */
  city?: string | null;
  state?: string | null;
  country?: string | null;
  make?: string | null;
  model?: string | null;
  lensModel?: string | null;
  description?: string;
  rating?: number | null;
  /** A live photo (it has a motion part). */
  isMotion?: boolean;
  isOffline?: boolean;
  /** Has a browser-playable encoding of its own. */
  isEncoded?: boolean;
  /** null: uploads, not an external library's files. */
  libraryId?: string | null;
  isNotInAlbum?: boolean;
  albumIds?: string[];
  /** Assets showing all these people (the owner's). */
  personIds?: string[];
  /** Assets carrying each of these tags or one under it; null: assets with none of the owner's tags. */
  tagIds?: string[] | null;
  tagNames?: string[];
  /** A stack as its primary alone. */
  withStacked?: boolean;
  minFileSize?: number;
  status?: Asset['status'];
}

export interface AssetSearch extends AssetFilter {
  order: 'asc' | 'desc';
  /** Capture time (the default), a random pick, or the largest first. */
  orderBy?: 'takenAt' | 'random' | 'fileSize';
  page: number;
  size: number;
}

/** The filter as SQL over `assets a LEFT JOIN asset_exif x`; $1 is the owner. */
function filterSql(q: AssetFilter): { where: string; params: unknown[] } {
  const where = ['a.owner_id = $1'];
  const params: unknown[] = [q.ownerId];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.id) add('a.id = ?', q.id);
  if (q.checksum) add('a.checksum = ?', q.checksum);
  if (q.type) add('a.type = ?', q.type);
  if (q.isFavorite !== undefined) add('a.is_favorite = ?', q.isFavorite);
  if (q.visibility) add('a.visibility = ?', q.visibility);
  else if (!q.withLocked) where.push(`a.visibility <> 'locked'`);
  if (q.status) add('a.status = ?', q.status);
  if (q.trashedOnly || q.trashedAfter || q.trashedBefore) where.push('a.deleted_at IS NOT NULL');
  else if (!q.withDeleted) where.push('a.deleted_at IS NULL');
  const exifEquals: Array<[string, string | null | undefined]> = [
    ['city', q.city], ['state', q.state], ['country', q.country], ['make', q.make], ['model', q.model], ['lens_model', q.lensModel],
  ];
  for (const [column, value] of exifEquals) {
    if (value === null) where.push(`x.${column} IS NULL`);
    else if (value !== undefined) add(`lower(x.${column}) = lower(?)`, value);
  }
  if (q.description) add(`x.description ILIKE '%' || ? || '%'`, likePattern(q.description));
  if (q.rating === null) where.push('x.rating IS NULL');
  else if (q.rating !== undefined) add('x.rating = ?', q.rating);
  for (const tagId of q.tagIds ?? []) add(taggedWith('?', '$1'), tagId);
  if (q.tagIds === null) where.push('NOT EXISTS (SELECT 1 FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id WHERE ta.asset_id = a.id AND t.owner_id = $1)');
  for (const value of q.tagNames ?? []) add('EXISTS (SELECT 1 FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id WHERE ta.asset_id = a.id AND t.owner_id = $1 AND t.value = ?)', value);
  for (const albumId of q.albumIds ?? []) add('EXISTS (SELECT 1 FROM album_assets aa WHERE aa.asset_id = a.id AND aa.album_id = ?)', albumId);
  if (q.isNotInAlbum) where.push('NOT EXISTS (SELECT 1 FROM album_assets aa WHERE aa.asset_id = a.id)');
  for (const personId of q.personIds ?? []) add('EXISTS (SELECT 1 FROM asset_faces f WHERE f.asset_id = a.id AND f.person_id = ?)', personId);
  if (q.isMotion !== undefined) where.push(q.isMotion ? 'a.live_photo_video_id IS NOT NULL' : 'a.live_photo_video_id IS NULL');
  if (q.isOffline !== undefined) add('a.is_offline = ?', q.isOffline);
  if (q.isEncoded !== undefined) where.push(`${q.isEncoded ? '' : 'NOT '}EXISTS (SELECT 1 FROM asset_files af WHERE af.asset_id = a.id AND af.type = 'encoded_video')`);
  if (q.libraryId === null) where.push('a.library_id IS NULL');
  else if (q.libraryId !== undefined) add('a.library_id = ?', q.libraryId);
  if (q.withStacked) where.push('(a.stack_id IS NULL OR a.id = (SELECT s.primary_asset_id FROM stacks s WHERE s.id = a.stack_id))');
  if (q.minFileSize !== undefined) add('a.file_size_bytes >= ?', q.minFileSize);
  const spans: Array<[string, Date | undefined, '>=' | '<=']> = [
    ['taken_at', q.takenAfter, '>='], ['taken_at', q.takenBefore, '<='],
    ['created_at', q.createdAfter, '>='], ['created_at', q.createdBefore, '<='],
    ['updated_at', q.updatedAfter, '>='], ['updated_at', q.updatedBefore, '<='],
    ['deleted_at', q.trashedAfter, '>='], ['deleted_at', q.trashedBefore, '<='],
  ];
  for (const [column, value, op] of spans) if (value) add(`a.${column} ${op} ?`, value);
  // Names are kept as the client sent them (a Mac sends NFD: "e" + combining accent); both sides
  // are compared in NFC, so "Café" finds the file however its name was composed.
  if (q.originalFileName) add(`normalize(a.original_file_name, NFC) ILIKE '%' || ? || '%'`, likePattern(q.originalFileName.normalize('NFC')));
  if (q.originalPath) add(`a.original_path ILIKE '%' || ? || '%'`, likePattern(q.originalPath));
  return { where: where.join(' AND '), params };
}

const SEARCH_FROM = 'assets a LEFT JOIN asset_exif x ON x.asset_id = a.id';

/** One page of an owner's assets, newest capture first by default. */
export async function searchAssets(db: Queryable, q: AssetSearch): Promise<{ items: Asset[]; total: number }> {
  const { where, params } = filterSql(q);
  const direction = q.order === 'asc' ? 'ASC' : 'DESC';
  const order = q.orderBy === 'random' ? 'random()' : q.orderBy === 'fileSize' ? `a.file_size_bytes DESC NULLS LAST, a.id` : `a.taken_at ${direction}, a.id ${direction}`;
  const total = await countAssets(db, q);
  const { rows } = await db.query<Asset>(
    `SELECT ${ASSET_COLUMNS} FROM ${SEARCH_FROM} WHERE ${where} ORDER BY ${order} LIMIT ${q.size} OFFSET ${(q.page - 1) * q.size}`,
    params,
  );
  return { items: rows, total };
}

/** How many of an owner's assets the filter means (Immich's search statistics). */
export async function countAssets(db: Queryable, q: AssetFilter): Promise<number> {
  const { where, params } = filterSql(q);
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SEARCH_FROM} WHERE ${where}`, params);
  return rows[0]!.n;
}

/** A user's text, matched literally inside ILIKE. */
function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export async function assetStatistics(
  db: Queryable,
  library: { ownerId: string; withLocked: boolean },
  q: { isFavorite?: boolean; isTrashed: boolean; visibility?: Asset['visibility'] },
): Promise<{ images: number; videos: number; total: number }> {
  const { rows } = await db.query<{ images: number; videos: number; total: number }>(
    `SELECT count(*) FILTER (WHERE type = 'IMAGE')::int AS images, count(*) FILTER (WHERE type = 'VIDEO')::int AS videos, count(*)::int AS total
     FROM assets WHERE owner_id = $1 AND status <> 'uploading' AND ($2::boolean IS NULL OR is_favorite = $2)
       AND (deleted_at IS NOT NULL) = $3 AND (visibility = $4 OR ($4::text IS NULL AND ($5 OR visibility <> 'locked')))`,
    [library.ownerId, q.isFavorite ?? null, q.isTrashed, q.visibility ?? null, library.withLocked],
  );
  return rows[0]!;
}
