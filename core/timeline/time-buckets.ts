import { formatDuration } from '../assets/asset.js';
import type { Queryable } from '../ports/database.js';
import type { ScopeSql } from './timeline-scope.js';

/**
 * The timeline as Immich's clients load it: first the months with their counts, then one
 * month's assets in columns (one array per field: small JSON for thousands of assets).
 */
export interface TimeBucket {
  timeBucket: string;
  count: number;
}

export async function timeBuckets(db: Queryable, scope: ScopeSql, order: 'asc' | 'desc'): Promise<TimeBucket[]> {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  // From the trigger-kept counts when the filter allows; albums and links count their rows.
  const { rows } = scope.countsWhere
    ? await db.query<TimeBucket>(
        `SELECT to_char(c.month, 'YYYY-MM-DD') AS "timeBucket", sum(c.count)::int AS count
         FROM asset_month_counts c WHERE ${scope.countsWhere}
         GROUP BY c.month HAVING sum(c.count) > 0 ORDER BY c.month ${direction}`,
        scope.params,
      )
    : await db.query<TimeBucket>(
        `SELECT to_char(date_trunc('month', a.local_date_time), 'YYYY-MM-DD') AS "timeBucket", count(*)::int AS count
         FROM assets a WHERE ${scope.where}
         GROUP BY date_trunc('month', a.local_date_time) ORDER BY date_trunc('month', a.local_date_time) ${direction}`,
        scope.params,
      );
  return rows;
}

export interface TimeBucketAssets {
  id: string[];
  ownerId: string[];
  ratio: number[];
  isFavorite: boolean[];
  visibility: string[];
  isTrashed: boolean[];
  isImage: boolean[];
  thumbhash: Array<string | null>;
  fileCreatedAt: string[];
  /** When each was added to the library (Immich 3.2 requires it). */
  createdAt: string[];
  localDateTime: string[];
  localOffsetHours: number[];
  duration: Array<string | null>;
  projectionType: Array<string | null>;
  livePhotoVideoId: Array<string | null>;
  city: Array<string | null>;
  country: Array<string | null>;
  status: string[];
  /** With withStacked: [stack id, asset count] for a stack's primary, null for the rest (Immich's tuple of strings). */
  stack?: Array<[string, string] | null>;
}

interface BucketRow {
  id: string;
  ownerId: string;
  width: number | null;
  height: number | null;
  isFavorite: boolean;
  visibility: string;
  isTrashed: boolean;
  type: string;
  thumbhash: Buffer | null;
  takenAt: Date;
  createdAt: Date;
  localDateTime: string;
  timeZone: string | null;
  durationMs: number | null;
  projectionType: string | null;
  livePhotoVideoId: string | null;
  city: string | null;
  country: string | null;
  status: string;
  stack: [string, string] | null;
}

/** [stack id, its size] when asset `a` is a stack's primary (only asked for with withStacked). */
const STACK_OF_PRIMARY = `(SELECT ARRAY[s.id::text, (SELECT count(*) FROM assets m WHERE m.stack_id = s.id AND m.deleted_at IS NULL)::text]
  FROM stacks s WHERE s.id = a.stack_id AND s.primary_asset_id = a.id)`;

/** '+05:30' → 5.5; unknown zones count as UTC. */
function offsetHours(zone: string | null): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(zone ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) + Number(m[3]) / 60) : 0;
}

export async function timeBucketAssets(
  db: Queryable,
  scope: ScopeSql,
  timeBucket: string,
  order: 'asc' | 'desc',
  opts: { withStacked?: boolean } = {},
): Promise<TimeBucketAssets> {
  const direction = order === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await db.query<BucketRow>(
    `SELECT a.id, a.owner_id AS "ownerId", a.width, a.height, a.is_favorite AS "isFavorite", a.visibility,
       a.deleted_at IS NOT NULL AS "isTrashed", a.type, a.thumbhash, a.taken_at AS "takenAt", a.created_at AS "createdAt", a.local_date_time AS "localDateTime",
       a.time_zone AS "timeZone", a.duration_ms AS "durationMs", x.projection_type AS "projectionType",
       a.live_photo_video_id AS "livePhotoVideoId", x.city, x.country, a.status, ${opts.withStacked ? STACK_OF_PRIMARY : 'NULL'} AS stack
     -- LIMIT 1 keeps this a lookup per asset: joined plainly, the planner hashes the whole exif table.
     FROM assets a LEFT JOIN LATERAL (SELECT projection_type, city, country FROM asset_exif WHERE asset_id = a.id LIMIT 1) x ON true
     WHERE ${scope.where} AND a.local_date_time >= $${scope.params.length + 1}::timestamp
       AND a.local_date_time < $${scope.params.length + 1}::timestamp + interval '1 month'
     ORDER BY a.local_date_time ${direction}, a.id ${direction}`,
    [...scope.params, timeBucket],
  );
  const column = <T>(pick: (row: BucketRow) => T) => rows.map(pick);
  return {
    id: column((r) => r.id),
    ownerId: column((r) => r.ownerId),
    ratio: column((r) => (r.width && r.height ? r.width / r.height : 1)),
    isFavorite: column((r) => r.isFavorite),
    visibility: column((r) => r.visibility),
    isTrashed: column((r) => r.isTrashed),
    isImage: column((r) => r.type === 'IMAGE'),
    thumbhash: column((r) => r.thumbhash?.toString('base64') ?? null),
    fileCreatedAt: column((r) => r.takenAt.toISOString()),
    createdAt: column((r) => r.createdAt.toISOString()),
    localDateTime: column((r) => `${r.localDateTime}Z`),
    localOffsetHours: column((r) => offsetHours(r.timeZone)),
    duration: column((r) => (r.durationMs === null ? null : formatDuration(r.durationMs))),
    projectionType: column((r) => r.projectionType),
    livePhotoVideoId: column((r) => r.livePhotoVideoId),
    city: column((r) => r.city),
    country: column((r) => r.country),
    status: column((r) => r.status),
    ...(opts.withStacked ? { stack: column((r) => r.stack) } : {}),
  };
}
