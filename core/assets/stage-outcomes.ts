import type { AssetExif } from '../media/read-exif.js';
import type { Queryable } from '../ports/database.js';
import type { Place } from '../places/reverse-geocode.js';
import type { Asset, AssetFile } from './asset.js';

/**
 * What a pipeline stage concluded, written as ONE statement each (data-modifying CTEs):
 * atomic without a transaction, and one round trip — on the embedded database every
 * statement costs about a millisecond of its only thread.
 */

export interface VerifiedOriginal {
  type: Asset['type'];
  mime: string;
  width: number | null;
  height: number | null;
  fileSizeBytes: number;
  takenAt: Date;
  localDateTime: string;
  timeZone: string | null;
  durationMs: number | null;
}

const JOB_STATUS = `INSERT INTO asset_job_status (asset_id, stage, status, source_checksum, error)
  SELECT id, $2, $3, $4, $5 FROM asset
  ON CONFLICT (asset_id, stage) DO UPDATE SET status = excluded.status, source_checksum = excluded.source_checksum,
    error = excluded.error, updated_at = now()`;

/** The asset failed at `stage`, for a reason a person can read. */
export async function recordStageFailure(db: Queryable, assetId: string, stage: string, sourceChecksum: Buffer, reason: string): Promise<void> {
  await db.query({
    name: 'record-stage-failure',
    text: `WITH asset AS (
        UPDATE assets SET status = 'failed', failed_reason = $5, updated_at = now() WHERE id = $1 RETURNING id
      ) ${JOB_STATUS}`,
    values: [assetId, stage, 'failed', sourceChecksum, reason],
  });
}

/** A user's edits (asset_exif.locked_properties) survive the stage reading the file again. */
function unlessLocked(property: string, columns: string[]): string {
  return columns
    .map((c) => `${c} = CASE WHEN '${property}' = ANY(asset_exif.locked_properties) THEN asset_exif.${c} ELSE excluded.${c} END`)
    .join(', ');
}

/** The original checked out: its real type, size, dimensions, capture date and EXIF; the upload session is over. */
export async function recordMetadata(
  db: Queryable,
  assetId: string,
  v: VerifiedOriginal,
  exif: AssetExif | null,
  place: Place | undefined,
  sourceChecksum: Buffer,
): Promise<void> {
  const e = exif;
  await db.query({
    name: 'record-metadata',
    text: `WITH asset AS (
        UPDATE assets SET status = CASE WHEN status IN ('uploading', 'failed') THEN 'processing' ELSE status END,
          type = $6, original_mime_type = $7, width = $8, height = $9, file_size_bytes = $10, duration_ms = $36,
          taken_at = CASE WHEN locked.date THEN taken_at ELSE $11 END,
          local_date_time = CASE WHEN locked.date THEN local_date_time ELSE $12::timestamp END,
          time_zone = CASE WHEN locked.date THEN time_zone ELSE $13 END, failed_reason = NULL, updated_at = now(),
          -- A library file's checksum is whatever the stage just read; an upload's was declared and verified.
          checksum = CASE WHEN library_id IS NOT NULL THEN $4 ELSE checksum END
        FROM (SELECT coalesce(bool_or('dateTimeOriginal' = ANY(locked_properties)), false) AS date
              FROM asset_exif WHERE asset_id = $1) AS locked
        WHERE id = $1 RETURNING id
      ), exif AS (
        INSERT INTO asset_exif (asset_id, make, model, lens_model, exif_image_width, exif_image_height, file_size_bytes,
          orientation, date_time_original, modify_date, time_zone, latitude, longitude, description, rating, f_number,
          focal_length, iso, exposure_time, projection_type, city, state, country, live_photo_cid)
        SELECT id, $15, $16, $17, $18, $19, $10, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $37
        FROM asset WHERE $14::boolean
        ON CONFLICT (asset_id) DO UPDATE SET make = excluded.make, model = excluded.model, lens_model = excluded.lens_model,
          exif_image_width = excluded.exif_image_width, exif_image_height = excluded.exif_image_height,
          file_size_bytes = excluded.file_size_bytes, orientation = excluded.orientation, modify_date = excluded.modify_date,
          ${unlessLocked('dateTimeOriginal', ['date_time_original', 'time_zone'])},
          ${unlessLocked('location', ['latitude', 'longitude', 'city', 'state', 'country'])},
          ${unlessLocked('description', ['description'])}, ${unlessLocked('rating', ['rating'])},
          f_number = excluded.f_number, focal_length = excluded.focal_length, iso = excluded.iso,
          exposure_time = excluded.exposure_time, projection_type = excluded.projection_type,
          live_photo_cid = excluded.live_photo_cid, updated_at = now()
      ), session AS (
        DELETE FROM upload_sessions WHERE asset_id = $1
      ) ${JOB_STATUS}`,
    values: [
      assetId,
      'metadata',
      'done',
      sourceChecksum,
      null,
      v.type,
      v.mime,
      v.width,
      v.height,
      v.fileSizeBytes,
      v.takenAt,
      v.localDateTime,
      v.timeZone,
      // Every asset gets its row, as in Immich; the size from the pixels where EXIF has none (AVIF, JPEG XL, PNG).
      true,
      e?.make ?? null,
      e?.model ?? null,
      e?.lensModel ?? null,
      e?.exifImageWidth ?? v.width ?? null,
      e?.exifImageHeight ?? v.height ?? null,
      e?.orientation == null ? null : String(e.orientation),
      e?.dateTimeOriginal ?? null,
      e?.modifyDate ?? null,
      e?.timeZone ?? null,
      e?.latitude ?? null,
      e?.longitude ?? null,
      e?.description ?? '',
      e?.rating ?? null,
      e?.fNumber ?? null,
      e?.focalLength ?? null,
      e?.iso ?? null,
      e?.exposureTime ?? null,
      e?.projectionType ?? null,
      place?.city ?? null,
      place?.state ?? null,
      place?.country ?? null,
      v.durationMs,
      e?.livePhotoCid ?? null,
    ],
  });
}

/** Preview and thumbnail are stored: the asset is ready to be seen. */
export async function recordThumbnails(
  db: Queryable,
  assetId: string,
  files: [AssetFile, AssetFile],
  thumbhash: Buffer,
  sourceChecksum: Buffer,
): Promise<void> {
  const [a, b] = files;
  await db.query({
    name: 'record-thumbnails',
    text: `WITH asset AS (
        UPDATE assets SET status = 'ready', thumbhash = $6, failed_reason = NULL, updated_at = now()
        WHERE id = $1 AND status <> 'uploading' RETURNING id, owner_id, visibility
      ), notice AS (
        -- Immich's on_upload_success: the owner's open apps show it (local/live-updates.ts sends the asset).
        INSERT INTO live_notices (event, user_ids, payload)
        SELECT 'on_upload_success', ARRAY[owner_id], jsonb_build_object('assetId', id) FROM asset WHERE visibility IN ('timeline', 'archive')
      ), files AS (
        INSERT INTO asset_files (asset_id, type, path, width, height, size_bytes)
        SELECT id, f.type, f.path, f.width, f.height, f.size_bytes FROM asset,
          (VALUES ($7, $8, $9::int, $10::int, $11::bigint), ($12, $13, $14::int, $15::int, $16::bigint))
            AS f (type, path, width, height, size_bytes)
        ON CONFLICT (asset_id, type) DO UPDATE SET path = excluded.path, width = excluded.width, height = excluded.height,
          size_bytes = excluded.size_bytes, updated_at = now()
      ) ${JOB_STATUS}`,
    values: [assetId, 'thumbnail', 'done', sourceChecksum, null, thumbhash, a.type, a.path, a.width, a.height, a.sizeBytes, b.type, b.path, b.width, b.height, b.sizeBytes],
  });
}

/** A stage's conclusion that does not change what the asset shows (a transcode done, skipped or failed). */
export async function recordStageStatus(
  db: Queryable,
  assetId: string,
  stage: string,
  sourceChecksum: Buffer,
  status: 'done' | 'skipped' | 'failed' | 'waiting',
  error: string | null,
): Promise<void> {
  await db.query({
    name: 'record-stage-status',
    text: `WITH asset AS (SELECT id FROM assets WHERE id = $1) ${JOB_STATUS}`,
    values: [assetId, stage, status, sourceChecksum, error],
  });
}

/** The web-playable encoding of a video is stored. */
export async function recordEncodedVideo(db: Queryable, assetId: string, file: AssetFile, sourceChecksum: Buffer): Promise<void> {
  await db.query({
    name: 'record-encoded-video',
    text: `WITH asset AS (SELECT id FROM assets WHERE id = $1), files AS (
        INSERT INTO asset_files (asset_id, type, path, width, height, size_bytes)
        SELECT id, 'encoded_video', $6, $7, $8, $9 FROM asset
        ON CONFLICT (asset_id, type) DO UPDATE SET path = excluded.path, width = excluded.width, height = excluded.height,
          size_bytes = excluded.size_bytes, updated_at = now()
      ) ${JOB_STATUS}`,
    values: [assetId, 'transcode', 'done', sourceChecksum, null, file.path, file.width, file.height, file.sizeBytes],
  });
}
