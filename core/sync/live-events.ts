import type { Queryable } from '../ports/database.js';
import { ASSET_COLUMNS, EXIF_COLUMNS } from './sync-stream.js';

/** One socket.io event for some users, as Immich's server emits them to the phone app. */
export interface LiveEvent {
  userIds: string[] | 'everyone';
  event: 'AssetUploadReadyV2' | 'on_asset_trash' | 'on_asset_delete' | LiveNotice;
  payload: unknown;
}

/**
 * Events written as notices (migration 0005): what no synced row can tell. on_upload_success
 * and on_asset_update name their asset (`{ assetId }`); the sender puts the asset in.
 */
export type LiveNotice = 'on_asset_restore' | 'on_config_update' | 'on_upload_success' | 'on_asset_update' | 'on_user_delete' | 'on_notification';

/** Writes a notice for the live connections (`userIds` undefined: everyone); pruneLiveNotices clears old ones. */
export async function addLiveNotice(db: Queryable, event: LiveNotice, userIds: string[] | undefined, payload?: unknown): Promise<void> {
  await db.query('INSERT INTO live_notices (event, user_ids, payload) VALUES ($1, $2, $3)', [event, userIds ?? null, payload === undefined ? null : JSON.stringify(payload)]);
}

/** The daily clean-up: a connection away longer than an hour syncs instead of hearing old notices. */
export async function pruneLiveNotices(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM live_notices WHERE created_at < now() - interval '1 hour'`);
  return rowCount ?? 0;
}

/** Who sees an asset: its owner, the partners it shares with, and the members of albums holding it. */
const VIEWERS = `ARRAY(
  SELECT a.owner_id UNION SELECT shared_with_id FROM partners WHERE shared_by_id = a.owner_id
  UNION SELECT al.owner_id FROM album_assets aa JOIN albums al ON al.id = aa.album_id WHERE aa.asset_id = a.id
  UNION SELECT au.user_id FROM album_assets aa JOIN album_users au ON au.album_id = aa.album_id WHERE aa.asset_id = a.id)`;

const BATCH = 500;

/**
 * What changed after sync number `after` (up to `upTo`), as live events: assets that are ready
 * (with their EXIF, Immich's `AssetUploadReadyV2 {asset, exif}`), assets moved to the trash,
 * assets deleted for good, and the notices (restores from the trash, settings changes). Read
 * from the same numbers as the sync stream, so a worker in another process (or machine) is
 * heard as well as one in this one.
 */
export async function readLiveEvents(db: Queryable, after: string, upTo: string): Promise<{ events: LiveEvent[]; next: string }> {
  const { rows: changed } = await db.query<{ seq: string; viewers: string[]; trashed: boolean; asset: Record<string, unknown>; exif: Record<string, unknown> | null }>(
    `SELECT a.sync_seq AS seq, ${VIEWERS} AS viewers, a.deleted_at IS NOT NULL AS trashed,
       (SELECT to_jsonb(x) - 'seq' FROM (SELECT ${ASSET_COLUMNS}) x) AS asset,
       (SELECT to_jsonb(y) - 'seq' FROM (SELECT ${EXIF_COLUMNS} FROM asset_exif e WHERE e.asset_id = a.id) y) AS exif
     FROM assets a WHERE a.sync_seq > $1 AND a.sync_seq <= $2 AND a.status = 'ready' AND a.visibility <> 'locked'
     ORDER BY a.sync_seq LIMIT ${BATCH}`,
    [after, upTo],
  );
  const events: LiveEvent[] = changed.map((row) =>
    row.trashed
      ? { userIds: row.viewers, event: 'on_asset_trash', payload: [row.asset.id] }
      : { userIds: row.viewers, event: 'AssetUploadReadyV2', payload: { asset: row.asset, exif: row.exif } },
  );
  // A full batch: the rest waits for the next look, and so do deletions after it.
  const next = changed.length === BATCH ? changed.at(-1)!.seq : upTo;
  const { rows: deleted } = await db.query<{ userId: string; assetId: string }>(
    `SELECT user_id AS "userId", data ->> 'assetId' AS "assetId" FROM sync_deletes
      WHERE type IN ('AssetDeleteV1', 'PartnerAssetDeleteV1') AND seq > $1 AND seq <= $2 ORDER BY seq`,
    [after, next],
  );
  for (const d of deleted) events.push({ userIds: [d.userId], event: 'on_asset_delete', payload: d.assetId });
  const { rows: notices } = await db.query<{ event: LiveNotice; userIds: string[] | null; payload: unknown }>(
    `SELECT event, user_ids AS "userIds", payload FROM live_notices WHERE seq > $1 AND seq <= $2 ORDER BY seq`,
    [after, next],
  );
  for (const n of notices) events.push({ userIds: n.userIds ?? 'everyone', event: n.event, payload: n.payload ?? undefined });
  return { events, next };
}

/** Where changes stand: every sync number below it belongs to a finished transaction (migration 0006). */
export async function currentSyncSeq(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ seq: string }>(`SELECT sync_now()::text AS seq`);
  return rows[0]!.seq;
}
