import { removeAssets } from '../assets/trash.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Queryable } from '../ports/database.js';
import { addLiveNotice } from '../sync/live-events.js';

/**
 * A deleted user removed for good: their assets (rows, then files), then the account with all
 * it owns. Safe to run again after a crash part-way: what was removed stays removed, and the
 * account, still 'removing' or 'deleted', is found again by the daily job.
 */
export async function purgeUser(db: Queryable, store: ObjectStore, userId: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM assets WHERE owner_id = $1', [userId]);
  await removeAssets(db, store, rows.map((r) => r.id));
  const picture = await db.query<{ key: string | null }>('SELECT profile_image_key AS key FROM users WHERE id = $1', [userId]);
  if (picture.rows[0]?.key) await store.delete(picture.rows[0].key);
  await db.query('DELETE FROM users WHERE id = $1', [userId]);
  // Immich tells every open client (its admin page drops the row).
  await addLiveNotice(db, 'on_user_delete', undefined, userId);
}
