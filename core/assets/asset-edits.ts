import { BadRequest } from '../errors.js';
import { captureDateFromTags } from '../media/capture-date.js';
import { writeXmpSidecar } from '../media/xmp-sidecar.js';
import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';
import { reverseGeocode } from '../places/reverse-geocode.js';
import type { AssetVisibility } from './asset.js';
import { removeFromEverySharing } from '../albums/album-queries.js';
import { setAssetTags } from '../tags/tags.js';
import { derivedKey } from './object-keys.js';

/**
 * What a person may change about an asset. Edits are data: they go to the database, are
 * marked as locked so re-reading the file never undoes them, and are mirrored into an XMP
 * sidecar beside the derived files. The original is never written.
 */
export interface AssetEdit {
  isFavorite?: boolean;
  visibility?: AssetVisibility;
  /** ISO 8601 with the offset where it was taken: '2021-06-01T18:30:00+02:00'. */
  dateTimeOriginal?: string;
  latitude?: number;
  longitude?: number;
  description?: string;
  rating?: number | null;
  /** The asset's tags by value, 'Family/Anna' (Shoebox's addition; Immich tags through /tags). */
  tags?: string[];
  /** Puts the assets into one duplicate group, or (null) out of theirs (Immich's bulk update: the web app's "stack" action). */
  duplicateId?: string | null;
  /** Moves each asset's capture time by this many minutes (Immich's dateTimeRelative), keeping its zone. */
  shiftMinutes?: number;
}

/** Property names as Immich's clients know them (asset_exif.locked_properties). */
type Locked = 'dateTimeOriginal' | 'location' | 'description' | 'rating' | 'tags';

export async function editAssets(db: Queryable, store: ObjectStore, ids: string[], edit: AssetEdit): Promise<void> {
  if (ids.length === 0) return;
  const date = edit.dateTimeOriginal === undefined ? undefined : parseEditedDate(edit.dateTimeOriginal);
  if ((edit.latitude === undefined) !== (edit.longitude === undefined)) throw new BadRequest('latitude and longitude go together');
  const place = edit.latitude !== undefined && edit.longitude !== undefined ? reverseGeocode(edit.latitude, edit.longitude) : undefined;
  const locked: Locked[] = [];
  if (date) locked.push('dateTimeOriginal');
  if (edit.latitude !== undefined) locked.push('location');
  if (edit.description !== undefined) locked.push('description');
  if (edit.rating !== undefined) locked.push('rating');
  if (edit.tags !== undefined) locked.push('tags');
  if (edit.shiftMinutes && date) throw new BadRequest('dateTimeOriginal and dateTimeRelative cannot be combined');

  await db.query(
    `WITH asset AS (
       UPDATE assets SET is_favorite = coalesce($2, is_favorite), visibility = coalesce($3, visibility),
         taken_at = coalesce($4, taken_at), local_date_time = coalesce($5::timestamp, local_date_time),
         time_zone = CASE WHEN $4::timestamptz IS NULL THEN time_zone ELSE $6 END, updated_at = now()
       WHERE id = ANY($1::uuid[]) RETURNING id, owner_id
     ), notice AS (
       -- Immich's on_asset_update for the owner's open apps (local/live-updates.ts sends the asset).
       INSERT INTO live_notices (event, user_ids, payload) SELECT 'on_asset_update', ARRAY[owner_id], jsonb_build_object('assetId', id) FROM asset
     )
     INSERT INTO asset_exif AS x (asset_id, date_time_original, time_zone, latitude, longitude, city, state, country,
       description, rating, locked_properties)
     SELECT id, $4, $6, $7, $8, $9, $10, $11, coalesce($12, ''), $13, $14::text[] FROM asset WHERE cardinality($14::text[]) > 0
     ON CONFLICT (asset_id) DO UPDATE SET
       date_time_original = CASE WHEN $4::timestamptz IS NULL THEN x.date_time_original ELSE $4 END,
       time_zone = CASE WHEN $4::timestamptz IS NULL THEN x.time_zone ELSE $6 END,
       latitude = CASE WHEN $7::float8 IS NULL THEN x.latitude ELSE $7 END,
       longitude = CASE WHEN $7::float8 IS NULL THEN x.longitude ELSE $8 END,
       city = CASE WHEN $7::float8 IS NULL THEN x.city ELSE $9 END,
       state = CASE WHEN $7::float8 IS NULL THEN x.state ELSE $10 END,
       country = CASE WHEN $7::float8 IS NULL THEN x.country ELSE $11 END,
       description = coalesce($12, x.description),
       rating = CASE WHEN 'rating' = ANY($14::text[]) THEN $13 ELSE x.rating END,
       locked_properties = ARRAY(SELECT DISTINCT unnest(x.locked_properties || $14::text[])),
       updated_at = now()`,
    [
      ids,
      edit.isFavorite ?? null,
      edit.visibility ?? null,
      date?.takenAt ?? null,
      date?.localDateTime ?? null,
      date?.timeZone ?? null,
      edit.latitude ?? null,
      edit.longitude ?? null,
      place?.city ?? null,
      place?.state ?? null,
      place?.country ?? null,
      edit.description ?? null,
      edit.rating ?? null,
      locked,
    ],
  );
  // After the move, not before: a crash between leaves locked assets in albums, where nobody but
  // their owner can reach them anyway (access never lists a locked asset to others).
  if (edit.visibility === 'locked') await removeFromEverySharing(db, ids);
  if (edit.shiftMinutes) await shiftCaptureTimes(db, ids, edit.shiftMinutes);
  if (edit.duplicateId !== undefined) await db.query('UPDATE assets SET duplicate_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])', [ids, edit.duplicateId]);
  if (edit.tags !== undefined) {
    const { rows } = await db.query<{ id: string; ownerId: string }>('SELECT id, owner_id AS "ownerId" FROM assets WHERE id = ANY($1::uuid[])', [ids]);
    for (const row of rows) await setAssetTags(db, row.id, row.ownerId, edit.tags);
  }
  if (locked.length > 0 || edit.shiftMinutes) await writeSidecars(db, store, ids);
}

/** Each asset's capture instant and wall-clock time move by `minutes`; the edited date is locked as any date edit is. */
async function shiftCaptureTimes(db: Queryable, ids: string[], minutes: number): Promise<void> {
  await db.query(
    `WITH shifted AS (
       UPDATE assets SET taken_at = taken_at + make_interval(mins => $2), local_date_time = local_date_time + make_interval(mins => $2), updated_at = now()
       WHERE id = ANY($1::uuid[]) RETURNING id, owner_id, taken_at, time_zone
     ), notice AS (
       INSERT INTO live_notices (event, user_ids, payload) SELECT 'on_asset_update', ARRAY[owner_id], jsonb_build_object('assetId', id) FROM shifted
     )
     INSERT INTO asset_exif AS x (asset_id, date_time_original, time_zone, locked_properties)
     SELECT id, taken_at, time_zone, ARRAY['dateTimeOriginal'] FROM shifted
     ON CONFLICT (asset_id) DO UPDATE SET date_time_original = excluded.date_time_original,
       locked_properties = ARRAY(SELECT DISTINCT unnest(x.locked_properties || ARRAY['dateTimeOriginal'])), updated_at = now()`,
    [ids, minutes],
  );
}

function parseEditedDate(value: string) {
  const date = captureDateFromTags({ DateCreated: value });
  if (!date) throw new BadRequest(`dateTimeOriginal: '${value}' is not an ISO 8601 date and time`);
  return date;
}

/**
 * Rewrites the sidecars of edited assets from the database (the truth); a crash between the
 * update and this leaves a stale sidecar that the next edit rewrites. Tags are the owner's.
 */
export async function writeSidecars(db: Queryable, store: ObjectStore, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const { rows } = await db.query<{
    id: string;
    ownerId: string;
    localDateTime: string;
    timeZone: string | null;
    latitude: number | null;
    longitude: number | null;
    description: string | null;
    rating: number | null;
    tags: string[] | null;
  }>(
    `SELECT a.id, a.owner_id AS "ownerId", a.local_date_time AS "localDateTime", a.time_zone AS "timeZone",
       x.latitude, x.longitude, x.description, x.rating,
       ARRAY(SELECT t.value FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id WHERE ta.asset_id = a.id AND t.owner_id = a.owner_id ORDER BY t.value) AS tags
     FROM assets a LEFT JOIN asset_exif x ON x.asset_id = a.id WHERE a.id = ANY($1::uuid[])`,
    [ids],
  );
  const files = await Promise.all(
    rows.map(async (row) => {
      const key = derivedKey(row.ownerId, row.id, 'edits', 'xmp');
      const xmp = Buffer.from(
        writeXmpSidecar({
          localDateTime: row.localDateTime,
          timeZone: row.timeZone,
          latitude: row.latitude,
          longitude: row.longitude,
          description: row.description ?? '',
          rating: row.rating,
          tags: row.tags ?? [],
        }),
      );
      await store.write(key, xmp, 'application/rdf+xml');
      return { id: row.id, key, size: xmp.length };
    }),
  );
  await db.query(
    `INSERT INTO asset_files (asset_id, type, path, size_bytes)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[])
     ON CONFLICT (asset_id, type) DO UPDATE SET path = excluded.path, size_bytes = excluded.size_bytes, updated_at = now()`,
    [files.map((f) => f.id), files.map(() => 'sidecar'), files.map((f) => f.key), files.map((f) => f.size)],
  );
}

/**
 * Joins a still and its motion part into one live photo (the video leaves the timeline), or
 * with `videoId` null separates them again. Both must belong to the same owner; the caller
 * checks that the requester owns them.
 */
export async function linkLivePhoto(db: Queryable, stillId: string, videoId: string | null): Promise<void> {
  if (videoId === null) {
    await db.query(
      `WITH still AS (SELECT live_photo_video_id AS video FROM assets WHERE id = $1),
       shown AS (UPDATE assets SET visibility = 'timeline', updated_at = now() WHERE id = (SELECT video FROM still) AND visibility = 'hidden')
       UPDATE assets SET live_photo_video_id = NULL, updated_at = now() WHERE id = $1`,
      [stillId],
    );
    return;
  }
  const { rows } = await db.query<{ video: boolean; sameOwner: boolean; still: boolean }>(
    `SELECT v.type = 'VIDEO' AS video, s.owner_id = v.owner_id AS "sameOwner", s.type = 'IMAGE' AND s.id <> v.id AS still
     FROM assets s, assets v WHERE s.id = $1 AND v.id = $2`,
    [stillId, videoId],
  );
  // Immich's messages, in its order.
  if (!rows[0]?.video) throw new BadRequest('Live photo video must be a video');
  if (!rows[0].sameOwner) throw new BadRequest('Live photo video does not belong to the user');
  if (!rows[0].still) throw new BadRequest('A live photo joins an image and a video of the same owner');
  await db.query(
    `WITH hidden AS (UPDATE assets SET visibility = 'hidden', updated_at = now() WHERE id = $2)
     UPDATE assets SET live_photo_video_id = $2, updated_at = now() WHERE id = $1`,
    [stillId, videoId],
  );
}

/**
 * Joins an asset to the other half of its live photo, if that half is already here: the
 * same owner, the other type, the same Apple ContentIdentifier. Called for each asset the
 * metadata stage reads, so either half may arrive first.
 */
export async function pairLivePhoto(db: Queryable, assetId: string): Promise<boolean> {
  const { rows } = await db.query<{ stillId: string; videoId: string }>(
    `WITH me AS (
       SELECT a.id, a.owner_id, a.type, x.live_photo_cid AS cid FROM assets a JOIN asset_exif x ON x.asset_id = a.id
       WHERE a.id = $1 AND x.live_photo_cid IS NOT NULL
     ), other AS (
       SELECT a.id FROM me, assets a JOIN asset_exif x ON x.asset_id = a.id
       WHERE x.live_photo_cid = me.cid AND a.owner_id = me.owner_id AND a.type <> me.type AND a.id <> me.id AND a.deleted_at IS NULL
       ORDER BY a.created_at LIMIT 1
     )
     SELECT CASE WHEN me.type = 'IMAGE' THEN me.id ELSE other.id END AS "stillId",
            CASE WHEN me.type = 'VIDEO' THEN me.id ELSE other.id END AS "videoId"
     FROM me, other`,
    [assetId],
  );
  const pair = rows[0];
  if (!pair) return false;
  await linkLivePhoto(db, pair.stillId, pair.videoId);
  return true;
}
