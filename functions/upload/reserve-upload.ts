import { insertUploadingAssets, type NewAsset, type NewUploadSession } from '../../core/assets/asset-queries.js';
import type { Database } from '../../core/ports/database.js';

interface Pending {
  item: { asset: NewAsset; session: NewUploadSession };
  resolve(inserted: boolean): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
const queues = new WeakMap<Database, Pending[]>();
const running = new WeakSet<Database>();

/**
 * Group commit for upload reservations. When no insert is running, a reservation goes to
 * the database at once; reservations that arrive while one runs wait and then go together
 * in one statement. Idle servers add no latency; busy ones pay one commit per batch, which
 * is what a single-threaded embedded database can afford.
 */
export function reserveUpload(db: Database, item: Pending['item']): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const queue = queues.get(db) ?? [];
    queues.set(db, queue);
    queue.push({ item, resolve, reject });
    if (!running.has(db)) void drain(db, queue);
  });
}

async function drain(db: Database, queue: Pending[]): Promise<void> {
  running.add(db);
  try {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const inserted = await insertUploadingAssets(
          db,
          batch.map((p) => p.item),
        );
        batch.forEach((p, i) => p.resolve(inserted[i]!));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
  } finally {
    running.delete(db);
  }
}
