import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import { usedBytesSql } from '../users/user-queries.js';

/** @immich/sdk 3.2.2 `SyncRequestType`: what a client may ask the stream for. */
export const SYNC_REQUEST_TYPES = [
  'AlbumsV1', 'AlbumsV2', 'AlbumUsersV1', 'AlbumToAssetsV1', 'AlbumAssetsV1', 'AlbumAssetsV2', 'AlbumAssetExifsV1',
  'AssetsV1', 'AssetsV2', 'AssetExifsV1', 'AssetEditsV1', 'AssetMetadataV1', 'AssetOcrV1', 'AuthUsersV1',
  'MemoriesV1', 'MemoryToAssetsV1', 'PartnersV1', 'PartnerAssetsV1', 'PartnerAssetsV2', 'PartnerAssetExifsV1',
  'PartnerStacksV1', 'StacksV1', 'UsersV1', 'PeopleV1', 'AssetFacesV1', 'AssetFacesV2', 'UserMetadataV1',
] as const;
export type SyncRequestType = (typeof SYNC_REQUEST_TYPES)[number];

/** @immich/sdk 3.2.2 `SyncEntityType`: the only line types ever sent (an unknown one makes the app throw). */
export const SYNC_ENTITY_TYPES = [
  'AuthUserV1', 'UserV1', 'UserDeleteV1', 'AssetV1', 'AssetV2', 'AssetDeleteV1', 'AssetExifV1', 'AssetEditV1', 'AssetEditDeleteV1',
  'AssetMetadataV1', 'AssetMetadataDeleteV1', 'AssetOcrV1', 'AssetOcrDeleteV1', 'PartnerV1', 'PartnerDeleteV1', 'PartnerAssetV1',
  'PartnerAssetV2', 'PartnerAssetBackfillV1', 'PartnerAssetBackfillV2', 'PartnerAssetDeleteV1', 'PartnerAssetExifV1',
  'PartnerAssetExifBackfillV1', 'PartnerStackBackfillV1', 'PartnerStackDeleteV1', 'PartnerStackV1', 'AlbumV1', 'AlbumV2',
  'AlbumDeleteV1', 'AlbumUserV1', 'AlbumUserBackfillV1', 'AlbumUserDeleteV1', 'AlbumAssetCreateV1', 'AlbumAssetCreateV2',
  'AlbumAssetUpdateV1', 'AlbumAssetUpdateV2', 'AlbumAssetBackfillV1', 'AlbumAssetBackfillV2', 'AlbumAssetExifCreateV1',
  'AlbumAssetExifUpdateV1', 'AlbumAssetExifBackfillV1', 'AlbumToAssetV1', 'AlbumToAssetDeleteV1', 'AlbumToAssetBackfillV1',
  'MemoryV1', 'MemoryDeleteV1', 'MemoryToAssetV1', 'MemoryToAssetDeleteV1', 'StackV1', 'StackDeleteV1', 'PersonV1',
  'PersonDeleteV1', 'AssetFaceV1', 'AssetFaceV2', 'AssetFaceDeleteV1', 'UserMetadataV1', 'UserMetadataDeleteV1',
  'SyncAckV1', 'SyncResetV1', 'SyncCompleteV1',
] as const;
export type SyncEntityType = (typeof SYNC_ENTITY_TYPES)[number];

/**
 * An acknowledgement, as the client echoes it back: `<type>|<sync sequence number>[|<extra>]`.
 * The number is where this client has got to for that type (core/db/migrations/0004).
 */
export interface SyncAck {
  type: SyncEntityType;
  seq: string;
  extra?: string;
}

export function parseAck(ack: string): SyncAck {
  const [type, seq, extra, ...rest] = ack.split('|');
  if (!SYNC_ENTITY_TYPES.includes(type as SyncEntityType)) throw new BadRequest(`Invalid ack type: ${String(type).slice(0, 40)}`);
  if (type === 'SyncResetV1') return { type, seq: '0' };
  // A sync number is a Postgres bigint: anything larger is not one we handed out.
  if (!seq || !/^\d{1,19}$/.test(seq) || BigInt(seq) > 9223372036854775807n || rest.length > 0 || (extra !== undefined && extra.length > 100)) {
    throw new BadRequest(`Not an ack this server made: ${ack.slice(0, 80)}`);
  }
  return { type: type as SyncEntityType, seq, ...(extra !== undefined ? { extra } : {}) };
}

const line = (type: SyncEntityType, data: unknown, seq: string, extra?: string, ackType: SyncEntityType = type) =>
  `${JSON.stringify({ type, data, ack: [ackType, seq, extra].filter((v) => v !== undefined).join('|') })}\n`;

const PAGE = 1000;
type Checkpoints = Partial<Record<SyncEntityType, SyncAck>>;
interface Scope {
  db: Queryable;
  userId: string;
  /** The upper bound of this stream: rows changed after it wait for the next one. */
  now: string;
  checkpoints: Checkpoints;
}

/** Rows with a sync number above `after` and up to now, a page at a time (never the whole table in memory). */
async function* pages<T extends { seq: string }>(scope: Scope, after: string, sql: string, params: unknown[] = []): AsyncGenerator<T> {
  for (let from = after; ; ) {
    const { rows } = await scope.db.query<T>(`${sql} ORDER BY seq LIMIT ${PAGE}`, [scope.userId, from, scope.now, ...params]);
    yield* rows;
    if (rows.length < PAGE) return;
    from = rows.at(-1)!.seq;
  }
}

const since = (scope: Scope, type: SyncEntityType) => scope.checkpoints[type]?.seq ?? '0';

async function* deletes(scope: Scope, type: SyncEntityType): AsyncGenerator<string> {
  const sql = `SELECT seq, data FROM sync_deletes WHERE (user_id = $1 OR user_id IS NULL) AND seq > $2 AND seq <= $3 AND type = $4`;
  for await (const row of pages<{ seq: string; data: unknown }>(scope, since(scope, type), sql, [type])) yield line(type, row.data, row.seq);
}

// --- What each entity looks like on the wire (@immich/sdk 3.2.2 Sync*V1/V2 shapes) ---

export const ASSET_COLUMNS = `a.sync_seq AS seq, a.id, a.owner_id AS "ownerId", a.original_file_name AS "originalFileName",
  encode(a.thumbhash, 'base64') AS thumbhash, encode(a.checksum, 'base64') AS checksum,
  a.file_created_at AS "fileCreatedAt", a.file_modified_at AS "fileModifiedAt", a.created_at AS "createdAt",
  to_char(a.local_date_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "localDateTime", a.duration_ms AS duration,
  a.type, a.deleted_at AS "deletedAt", a.is_favorite AS "isFavorite", a.visibility,
  a.live_photo_video_id AS "livePhotoVideoId", a.stack_id AS "stackId", a.library_id AS "libraryId",
  a.width, a.height, a.is_edited AS "isEdited"`;
// An upload whose bytes are not yet verified is not an asset yet: it syncs once it is.
const SYNCABLE = `a.status <> 'uploading'`;
// A locked asset is its owner's alone: a partner's phone never holds one (see 0009_locked_folder).
const PARTNER_SYNCABLE = `${SYNCABLE} AND a.visibility <> 'locked'`;

export const EXIF_COLUMNS = `e.sync_seq AS seq, e.asset_id AS "assetId", e.city, e.country, e.date_time_original AS "dateTimeOriginal",
  e.description, e.exif_image_height AS "exifImageHeight", e.exif_image_width AS "exifImageWidth", e.exposure_time AS "exposureTime",
  e.f_number AS "fNumber", e.file_size_bytes::float8 AS "fileSizeInByte", e.focal_length AS "focalLength", e.fps, e.iso,
  e.latitude, e.lens_model AS "lensModel", e.longitude, e.make, e.model, e.modify_date AS "modifyDate", e.orientation,
  e.profile_description AS "profileDescription", e.projection_type AS "projectionType", e.rating, e.state, e.time_zone AS "timeZone"`;

const STACK_COLUMNS = `s.sync_seq AS seq, s.id, s.owner_id AS "ownerId", s.primary_asset_id AS "primaryAssetId",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

const USER_COLUMNS = `u.sync_seq AS seq, u.id, u.name, u.email, u.avatar_color AS "avatarColor", u.deleted_at AS "deletedAt",
  u.profile_image_key IS NOT NULL AS "hasProfileImage", u.profile_changed_at AS "profileChangedAt"`;

/** Albums this user owns or is a member of. */
const MY_ALBUMS = `(SELECT id FROM albums WHERE owner_id = $1 UNION SELECT album_id FROM album_users WHERE user_id = $1)`;
/** Backfill grants (see backfill): partners who share with this user, albums it was added to. */
const PARTNER_GRANTS = `SELECT shared_by_id AS grant, sync_seq AS "grantSeq" FROM partners WHERE shared_with_id = $1 AND sync_seq > $2`;
const ALBUM_GRANTS = `SELECT album_id AS grant, sync_seq AS "grantSeq" FROM album_users WHERE user_id = $1 AND sync_seq > $2`;
/** Users who share their library with this user. */
const MY_PARTNERS = `(SELECT shared_by_id FROM partners WHERE shared_with_id = $1)`;

/** A row as sent: without its sync number (`seq`, and `n` where a query sorts by one it computed). */
function withoutSeq<T extends { seq: string; n?: unknown }>(row: T): Omit<T, 'seq' | 'n'> {
  const { seq: _seq, n: _n, ...data } = row;
  return data;
}

async function* upserts(scope: Scope, type: SyncEntityType, sql: string, params: unknown[] = [], after = since(scope, type)): AsyncGenerator<string> {
  for await (const row of pages<{ seq: string }>(scope, after, sql, params)) yield line(type, withoutSeq(row), row.seq);
}

/**
 * Rows a client could not have had: those older than its checkpoint that became visible to it
 * later (a partner who started sharing, an album it was added to). `grants` lists them with
 * their own sync number ($1 the user, $2 the number to start after); each is sent whole, its
 * rows acknowledged at the number before it (so a stream cut mid-way starts that grant again),
 * then acknowledged complete.
 */
async function* backfill(
  scope: Scope,
  type: SyncEntityType,
  upsertType: SyncEntityType,
  grants: string,
  rowsOf: (grantParam: string) => string,
): AsyncGenerator<string> {
  const upTo = scope.checkpoints[upsertType]?.seq;
  if (!upTo) return; // no checkpoint yet: the upserts send everything
  let done = since(scope, type);
  // A grant older than the client's last complete stream was in that stream's upserts already.
  const complete = since(scope, 'SyncCompleteV1');
  const after = [done, upTo, complete].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
  const { rows } = await scope.db.query<{ grant: string; grantSeq: string }>(`${grants} ORDER BY "grantSeq"`, [scope.userId, after]);
  for (const grant of rows) {
    for await (const row of pages<{ seq: string }>({ ...scope, now: upTo }, '0', rowsOf('$4'), [grant.grant])) yield line(type, withoutSeq(row), done, row.seq);
    yield line('SyncAckV1', {}, grant.grantSeq, 'complete', type);
    done = grant.grantSeq;
  }
}

/** One request type's lines, in Immich's order within it: deletes, backfills, then upserts. */
const HANDLERS: Partial<Record<SyncRequestType, (scope: Scope) => AsyncGenerator<string>>> = {
  AuthUsersV1: (scope) =>
    upserts(
      scope,
      'AuthUserV1',
      `SELECT ${USER_COLUMNS}, u.is_admin AS "isAdmin", u.oauth_id AS "oauthId", NULL::text AS "pinCode", u.quota_size_bytes::float8 AS "quotaSizeInBytes",
         ${usedBytesSql('u.id')}::float8 AS "quotaUsageInBytes",
         u.storage_label AS "storageLabel"
       FROM users u WHERE u.id = $1 AND u.sync_seq > $2 AND u.sync_seq <= $3`,
    ),
  async *UsersV1(scope) {
    yield* deletes(scope, 'UserDeleteV1');
    yield* upserts(scope, 'UserV1', `SELECT ${USER_COLUMNS} FROM users u WHERE $1::uuid IS NOT NULL AND u.sync_seq > $2 AND u.sync_seq <= $3`);
  },
  async *PartnersV1(scope) {
    yield* deletes(scope, 'PartnerDeleteV1');
    yield* upserts(
      scope,
      'PartnerV1',
      `SELECT p.sync_seq AS seq, p.shared_by_id AS "sharedById", p.shared_with_id AS "sharedWithId", p.in_timeline AS "inTimeline"
       FROM partners p WHERE (p.shared_by_id = $1 OR p.shared_with_id = $1) AND p.sync_seq > $2 AND p.sync_seq <= $3`,
    );
  },
  async *AssetsV2(scope) {
    yield* deletes(scope, 'AssetDeleteV1');
    yield* upserts(scope, 'AssetV2', `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.owner_id = $1 AND ${SYNCABLE} AND a.sync_seq > $2 AND a.sync_seq <= $3`);
  },
  AssetExifsV1: (scope) =>
    upserts(scope, 'AssetExifV1', `SELECT ${EXIF_COLUMNS} FROM asset_exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id = $1 AND ${SYNCABLE} AND e.sync_seq > $2 AND e.sync_seq <= $3`),
  async *PartnerAssetsV2(scope) {
    yield* deletes(scope, 'PartnerAssetDeleteV1');
    yield* backfill(
      scope,
      'PartnerAssetBackfillV2',
      'PartnerAssetV2',
      PARTNER_GRANTS,
      (grant) => `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.owner_id = ${grant} AND $1::uuid IS NOT NULL AND ${PARTNER_SYNCABLE} AND a.sync_seq > $2 AND a.sync_seq <= $3`,
    );
    yield* upserts(scope, 'PartnerAssetV2', `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.owner_id IN ${MY_PARTNERS} AND ${PARTNER_SYNCABLE} AND a.sync_seq > $2 AND a.sync_seq <= $3`);
  },
  async *StacksV1(scope) {
    yield* deletes(scope, 'StackDeleteV1');
    yield* upserts(scope, 'StackV1', `SELECT ${STACK_COLUMNS} FROM stacks s WHERE s.owner_id = $1 AND s.sync_seq > $2 AND s.sync_seq <= $3`);
  },
  async *PartnerStacksV1(scope) {
    yield* deletes(scope, 'PartnerStackDeleteV1');
    yield* backfill(
      scope,
      'PartnerStackBackfillV1',
      'PartnerStackV1',
      PARTNER_GRANTS,
      (grant) => `SELECT ${STACK_COLUMNS} FROM stacks s WHERE s.owner_id = ${grant} AND $1::uuid IS NOT NULL AND s.sync_seq > $2 AND s.sync_seq <= $3`,
    );
    yield* upserts(scope, 'PartnerStackV1', `SELECT ${STACK_COLUMNS} FROM stacks s WHERE s.owner_id IN ${MY_PARTNERS} AND s.sync_seq > $2 AND s.sync_seq <= $3`);
  },
  async *PartnerAssetExifsV1(scope) {
    yield* backfill(
      scope,
      'PartnerAssetExifBackfillV1',
      'PartnerAssetExifV1',
      PARTNER_GRANTS,
      (grant) => `SELECT ${EXIF_COLUMNS} FROM asset_exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id = ${grant} AND $1::uuid IS NOT NULL AND ${PARTNER_SYNCABLE} AND e.sync_seq > $2 AND e.sync_seq <= $3`,
    );
    yield* upserts(scope, 'PartnerAssetExifV1', `SELECT ${EXIF_COLUMNS} FROM asset_exif e JOIN assets a ON a.id = e.asset_id WHERE a.owner_id IN ${MY_PARTNERS} AND ${PARTNER_SYNCABLE} AND e.sync_seq > $2 AND e.sync_seq <= $3`);
  },
  async *AlbumsV2(scope) {
    yield* deletes(scope, 'AlbumDeleteV1');
    yield* upserts(
      scope,
      'AlbumV2',
      `SELECT al.sync_seq AS seq, al.id, al.name, al.description, al.created_at AS "createdAt", al.updated_at AS "updatedAt",
         al.thumbnail_asset_id AS "thumbnailAssetId", al.is_activity_enabled AS "isActivityEnabled", al.sort_order AS "order"
       FROM albums al WHERE al.id IN ${MY_ALBUMS} AND al.sync_seq > $2 AND al.sync_seq <= $3`,
    );
  },
  async *AlbumUsersV1(scope) {
    yield* deletes(scope, 'AlbumUserDeleteV1');
    // The owner is a member too (SyncAlbumV2 names no owner): role "owner", numbered with the album.
    yield* upserts(
      scope,
      'AlbumUserV1',
      `SELECT * FROM (
         SELECT au.sync_seq AS seq, au.sync_seq AS n, au.album_id AS "albumId", au.user_id AS "userId", au.role FROM album_users au WHERE au.album_id IN ${MY_ALBUMS}
         UNION ALL SELECT al.sync_seq, al.sync_seq, al.id, al.owner_id, 'owner' FROM albums al WHERE al.id IN ${MY_ALBUMS}
       ) m WHERE m.n > $2 AND m.n <= $3`,
    );
  },
  async *AlbumToAssetsV1(scope) {
    yield* deletes(scope, 'AlbumToAssetDeleteV1');
    yield* backfill(
      scope,
      'AlbumToAssetBackfillV1',
      'AlbumToAssetV1',
      ALBUM_GRANTS,
      (grant) => `SELECT aa.sync_seq AS seq, aa.album_id AS "albumId", aa.asset_id AS "assetId" FROM album_assets aa WHERE aa.album_id = ${grant} AND $1::uuid IS NOT NULL AND aa.sync_seq > $2 AND aa.sync_seq <= $3`,
    );
    yield* upserts(scope, 'AlbumToAssetV1', `SELECT aa.sync_seq AS seq, aa.album_id AS "albumId", aa.asset_id AS "assetId" FROM album_assets aa WHERE aa.album_id IN ${MY_ALBUMS} AND aa.sync_seq > $2 AND aa.sync_seq <= $3`);
  },
  async *AlbumAssetsV2(scope) {
    // Others' assets in albums shared with this user, numbered by whichever changed last: the asset or its place in the album.
    const others = `FROM album_assets aa JOIN assets a ON a.id = aa.asset_id
      WHERE aa.album_id IN (SELECT album_id FROM album_users WHERE user_id = $1) AND a.owner_id <> $1 AND ${SYNCABLE}`;
    yield* backfill(
      scope,
      'AlbumAssetBackfillV2',
      'AlbumAssetUpdateV2',
      ALBUM_GRANTS,
      (grant) => `SELECT ${ASSET_COLUMNS.replace('a.sync_seq AS seq', 'greatest(a.sync_seq, aa.sync_seq) AS seq')} ${others} AND aa.album_id = ${grant} AND greatest(a.sync_seq, aa.sync_seq) > $2 AND greatest(a.sync_seq, aa.sync_seq) <= $3`,
    );
    yield* upserts(
      scope,
      'AlbumAssetUpdateV2',
      `SELECT * FROM (SELECT DISTINCT ON (a.id) ${ASSET_COLUMNS.replace('a.sync_seq AS seq', 'greatest(a.sync_seq, aa.sync_seq) AS seq, greatest(a.sync_seq, aa.sync_seq) AS n')} ${others}
         ORDER BY a.id, n DESC) x WHERE x.n > $2 AND x.n <= $3`,
    );
  },
  async *AlbumAssetExifsV1(scope) {
    const others = `FROM album_assets aa JOIN assets a ON a.id = aa.asset_id JOIN asset_exif e ON e.asset_id = a.id
      WHERE aa.album_id IN (SELECT album_id FROM album_users WHERE user_id = $1) AND a.owner_id <> $1 AND ${SYNCABLE}`;
    yield* upserts(
      scope,
      'AlbumAssetExifUpdateV1',
      `SELECT * FROM (SELECT DISTINCT ON (e.asset_id) ${EXIF_COLUMNS.replace('e.sync_seq AS seq', 'greatest(e.sync_seq, aa.sync_seq) AS seq, greatest(e.sync_seq, aa.sync_seq) AS n')} ${others}
         ORDER BY e.asset_id, n DESC) x WHERE x.n > $2 AND x.n <= $3`,
    );
  },
  async *MemoriesV1(scope) {
    yield* deletes(scope, 'MemoryDeleteV1');
    // "On this day" memories show on their day (Immich's showAt/hideAt window); one the user hid ends then.
    yield* upserts(
      scope,
      'MemoryV1',
      `SELECT m.sync_seq AS seq, m.id, m.owner_id AS "ownerId", m.type, jsonb_build_object('year', m.year) AS data,
         to_char(m.memory_at, 'YYYY-MM-DD"T"00:00:00.000"Z"') AS "memoryAt", m.is_saved AS "isSaved", m.seen_at AS "seenAt",
         to_char(m.memory_at, 'YYYY-MM-DD"T"00:00:00.000"Z"') AS "showAt", coalesce(to_char(m.hidden_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), to_char(m.memory_at + 1, 'YYYY-MM-DD"T"00:00:00.000"Z"')) AS "hideAt",
         m.created_at AS "createdAt", m.updated_at AS "updatedAt", NULL::timestamptz AS "deletedAt"
       FROM memories m WHERE m.owner_id = $1 AND m.sync_seq > $2 AND m.sync_seq <= $3`,
    );
  },
  async *MemoryToAssetsV1(scope) {
    yield* deletes(scope, 'MemoryToAssetDeleteV1');
    yield* upserts(
      scope,
      'MemoryToAssetV1',
      `SELECT ma.sync_seq AS seq, ma.memory_id AS "memoryId", ma.asset_id AS "assetId" FROM memory_assets ma JOIN memories m ON m.id = ma.memory_id
       WHERE m.owner_id = $1 AND ma.sync_seq > $2 AND ma.sync_seq <= $3`,
    );
  },
  async *PeopleV1(scope) {
    yield* deletes(scope, 'PersonDeleteV1');
    yield* upserts(
      scope,
      'PersonV1',
      `SELECT p.sync_seq AS seq, p.id, p.owner_id AS "ownerId", p.name, to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate",
         p.is_hidden AS "isHidden", p.is_favorite AS "isFavorite", NULL::text AS color,
         (SELECT f.asset_id FROM asset_faces f WHERE f.id = p.face_id) AS "faceAssetId", p.created_at AS "createdAt", p.updated_at AS "updatedAt"
       FROM people p WHERE p.owner_id = $1 AND p.sync_seq > $2 AND p.sync_seq <= $3`,
    );
  },
  async *AssetFacesV2(scope) {
    yield* deletes(scope, 'AssetFaceDeleteV1');
    yield* upserts(
      scope,
      'AssetFaceV2',
      `SELECT f.sync_seq AS seq, f.id, f.asset_id AS "assetId", f.person_id AS "personId", f.image_width AS "imageWidth", f.image_height AS "imageHeight",
         f.x1 AS "boundingBoxX1", f.y1 AS "boundingBoxY1", f.x2 AS "boundingBoxX2", f.y2 AS "boundingBoxY2", f.source_type AS "sourceType",
         true AS "isVisible", NULL::timestamptz AS "deletedAt"
       FROM asset_faces f WHERE f.owner_id = $1 AND f.sync_seq > $2 AND f.sync_seq <= $3`,
    );
  },
  // Immich keeps preferences as user metadata: the app reads them from here after the first sync.
  UserMetadataV1: (scope) =>
    upserts(
      scope,
      'UserMetadataV1',
      `SELECT u.sync_seq AS seq, u.id AS "userId", 'preferences' AS key, u.preferences AS value FROM users u
       WHERE u.id = $1 AND u.sync_seq > $2 AND u.sync_seq <= $3`,
    ),
  async *AssetMetadataV1(scope) {
    yield* deletes(scope, 'AssetMetadataDeleteV1');
    yield* upserts(
      scope,
      'AssetMetadataV1',
      `SELECT m.sync_seq AS seq, m.asset_id AS "assetId", m.key, m.value FROM asset_metadata m JOIN assets a ON a.id = m.asset_id
       WHERE a.owner_id = $1 AND m.sync_seq > $2 AND m.sync_seq <= $3`,
    );
  },
};

/** Immich's order of request types: users before the assets that name them, assets before albums that hold them. */
const ORDER: SyncRequestType[] = [
  'AuthUsersV1', 'UsersV1', 'PartnersV1', 'AssetsV1', 'AssetsV2', 'StacksV1', 'PartnerAssetsV1', 'PartnerAssetsV2', 'PartnerStacksV1',
  'AlbumAssetsV1', 'AlbumAssetsV2', 'AlbumsV1', 'AlbumsV2', 'AlbumUsersV1', 'AlbumToAssetsV1', 'AssetExifsV1', 'AlbumAssetExifsV1',
  'AssetOcrV1', 'PartnerAssetExifsV1', 'MemoriesV1', 'MemoryToAssetsV1', 'PeopleV1', 'AssetFacesV1', 'AssetFacesV2', 'UserMetadataV1',
  'AssetMetadataV1', 'AssetEditsV1',
];

export async function readCheckpoints(db: Queryable, sessionId: string): Promise<{ type: SyncEntityType; ack: string }[]> {
  const { rows } = await db.query<{ type: SyncEntityType; ack: string }>('SELECT type, ack FROM session_sync_checkpoints WHERE session_id = $1 ORDER BY type', [sessionId]);
  return rows;
}

/** Records acks (the last of each type wins); a SyncResetV1 ack clears the session's progress instead. */
export async function acknowledge(db: Queryable, sessionId: string, acks: string[]): Promise<void> {
  const latest = new Map<SyncEntityType, string>();
  for (const ack of acks) {
    const parsed = parseAck(ack);
    if (parsed.type === 'SyncResetV1') return resetSync(db, sessionId);
    latest.set(parsed.type, ack);
  }
  if (latest.size === 0) return;
  await db.query(
    `INSERT INTO session_sync_checkpoints (session_id, type, ack)
       SELECT $1, t, a FROM unnest($2::text[], $3::text[]) AS x (t, a)
     ON CONFLICT (session_id, type) DO UPDATE SET ack = excluded.ack, updated_at = now()`,
    [sessionId, [...latest.keys()], [...latest.values()]],
  );
}

export async function deleteCheckpoints(db: Queryable, sessionId: string, types: SyncEntityType[] | undefined): Promise<void> {
  if (types) await db.query('DELETE FROM session_sync_checkpoints WHERE session_id = $1 AND type = ANY($2::text[])', [sessionId, types]);
  else await db.query('DELETE FROM session_sync_checkpoints WHERE session_id = $1', [sessionId]);
}

export async function resetSync(db: Queryable, sessionId: string): Promise<void> {
  await db.query('DELETE FROM session_sync_checkpoints WHERE session_id = $1', [sessionId]);
  await db.query('UPDATE sessions SET sync_reset_pending = false WHERE id = $1', [sessionId]);
}

/** How long deletions are remembered for the sync stream; a phone away longer syncs from scratch. */
export const SYNC_HISTORY_DAYS = 30;

/** The daily clean-up: deletions older than a phone may still ask for. */
export async function pruneSyncHistory(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sync_deletes WHERE deleted_at < now() - make_interval(days => $1)`, [SYNC_HISTORY_DAYS + 1]);
  return rowCount ?? 0;
}

/**
 * The sync stream for one session: JSON lines `{type, data, ack}` for every requested type that
 * has something new since the session's checkpoints, then `SyncCompleteV1`. Types Shoebox does
 * not keep (OCR, edits) send nothing. Read page by page: a 100,000-asset first sync
 * never sits in memory whole.
 */
export async function* syncStream(db: Queryable, session: { userId: string; sessionId: string }, request: { types: SyncRequestType[]; reset?: boolean }): AsyncGenerator<string> {
  if (request.reset) await resetSync(db, session.sessionId);
  // A session whose last complete sync is older than the deletes kept (SYNC_HISTORY_DAYS) may
  // have missed some: it starts over, as Immich's does.
  const { rows } = await db.query<{ pending: boolean; stale: boolean; now: string }>(
    `SELECT sync_reset_pending AS pending, sync_now()::text AS now,
       coalesce((SELECT updated_at < now() - make_interval(days => $2) FROM session_sync_checkpoints
                  WHERE session_id = s.id AND type = 'SyncCompleteV1'), false) AS stale
     FROM sessions s WHERE id = $1`,
    [session.sessionId, SYNC_HISTORY_DAYS],
  );
  if (rows[0]?.pending || rows[0]?.stale) {
    yield line('SyncResetV1', {}, 'reset');
    return;
  }
  const checkpoints: Checkpoints = {};
  for (const { ack } of await readCheckpoints(db, session.sessionId)) {
    const parsed = parseAck(ack);
    checkpoints[parsed.type] = parsed;
  }
  const scope: Scope = { db, userId: session.userId, now: rows[0]!.now, checkpoints };
  for (const type of ORDER) {
    if (!request.types.includes(type)) continue;
    const handler = HANDLERS[type];
    if (handler) yield* handler(scope);
  }
  yield line('SyncCompleteV1', {}, scope.now);
}
