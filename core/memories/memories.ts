import { additions, removals, succeeded, type BulkIdResult } from '../bulk-ids.js';
import type { Queryable } from '../ports/database.js';

/**
 * Memories a person makes or edits (Immich's POST /memories and its assets), beside the ones
 * the daily job builds (on-this-day.ts). Both are rows of the same table; the owner alone may
 * touch them — core/access and the routes check that before these run.
 */
export async function createMemory(
  db: Queryable,
  ownerId: string,
  m: { memoryAt: Date; year: number; isSaved?: boolean; seenAt?: Date },
): Promise<string> {
  // A memory for a day and year that exists (made by the daily job, or hidden) is that one again.
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO memories AS m (owner_id, memory_at, year, is_saved, seen_at) VALUES ($1, $2::date, $3, coalesce($4, false), $5)
     ON CONFLICT (owner_id, type, memory_at, year) DO UPDATE SET hidden_at = NULL, is_saved = coalesce($4, m.is_saved),
       seen_at = coalesce($5, m.seen_at), updated_at = now()
     RETURNING id`,
    [ownerId, m.memoryAt.toISOString().slice(0, 10), m.year, m.isSaved ?? null, m.seenAt ?? null],
  );
  return rows[0]!.id;
}

async function memoryAssetIds(db: Queryable, memoryId: string, assetIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT asset_id AS id FROM memory_assets WHERE memory_id = $1 AND asset_id = ANY($2::uuid[])', [memoryId, assetIds]);
  return new Set(rows.map((row) => row.id));
}

export async function addMemoryAssets(db: Queryable, memoryId: string, assetIds: readonly string[], allowed: Set<string>): Promise<BulkIdResult[]> {
  const results = additions(assetIds, await memoryAssetIds(db, memoryId, assetIds), allowed);
  const added = succeeded(results);
  if (added.length > 0) {
    await db.query('INSERT INTO memory_assets (memory_id, asset_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING', [memoryId, added]);
    await db.query('UPDATE memories SET updated_at = now() WHERE id = $1', [memoryId]);
  }
  return results;
}

export async function removeMemoryAssets(db: Queryable, memoryId: string, assetIds: readonly string[]): Promise<BulkIdResult[]> {
  const results = removals(assetIds, await memoryAssetIds(db, memoryId, assetIds));
  const removed = succeeded(results);
  if (removed.length > 0) {
    await db.query('DELETE FROM memory_assets WHERE memory_id = $1 AND asset_id = ANY($2::uuid[])', [memoryId, removed]);
    await db.query('UPDATE memories SET updated_at = now() WHERE id = $1', [memoryId]);
  }
  return results;
}

/** How many memories the owner has to see (Immich's MemoryStatisticsResponseDto). */
export async function memoryStatistics(db: Queryable, ownerId: string, isSaved?: boolean): Promise<{ total: number }> {
  const { rows } = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM memories WHERE owner_id = $1 AND hidden_at IS NULL AND ($2::boolean IS NULL OR is_saved = $2)`,
    [ownerId, isSaved ?? null],
  );
  return rows[0]!;
}
