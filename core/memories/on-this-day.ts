import type { Queryable } from '../ports/database.js';

/**
 * "On this day": for a date, one memory per earlier year holding that user's photos taken
 * on the same month and day (local time, where they were taken). Generating is idempotent —
 * run daily by the scheduler, and on demand for any date a client asks about; a memory the
 * user hid stays hidden, one they saved stays saved.
 */
export async function generateOnThisDay(db: Queryable, day: string, ownerId?: string): Promise<void> {
  await db.query(
    `WITH found AS (
       SELECT a.owner_id, extract(year FROM a.local_date_time)::int AS year, a.id
       FROM assets a JOIN users u ON u.id = a.owner_id AND u.deleted_at IS NULL
       WHERE a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.status <> 'uploading'
         AND extract(month FROM a.local_date_time) = extract(month FROM $1::date)
         AND extract(day FROM a.local_date_time) = extract(day FROM $1::date)
         AND a.local_date_time < date_trunc('year', $1::date)
         AND ($2::uuid IS NULL OR a.owner_id = $2)
     ), memory AS (
       INSERT INTO memories (owner_id, memory_at, year) SELECT DISTINCT owner_id, $1::date, year FROM found
       ON CONFLICT (owner_id, type, memory_at, year) DO UPDATE SET year = excluded.year
       RETURNING id, owner_id, year
     )
     INSERT INTO memory_assets (memory_id, asset_id)
     SELECT memory.id, found.id FROM found JOIN memory USING (owner_id, year)
     ON CONFLICT DO NOTHING`,
    [day, ownerId ?? null],
  );
}

export interface MemoryRow {
  id: string;
  ownerId: string;
  memoryAt: string;
  year: number;
  isSaved: boolean;
  seenAt: Date | null;
  hiddenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  assetIds: string[];
}

const MEMORY_SELECT = `SELECT m.id, m.owner_id AS "ownerId", to_char(m.memory_at, 'YYYY-MM-DD') AS "memoryAt", m.year,
    m.is_saved AS "isSaved", m.seen_at AS "seenAt", m.hidden_at AS "hiddenAt", m.created_at AS "createdAt", m.updated_at AS "updatedAt",
    ARRAY(SELECT ma.asset_id FROM memory_assets ma JOIN assets a ON a.id = ma.asset_id
          WHERE ma.memory_id = m.id AND a.deleted_at IS NULL AND a.visibility <> 'locked' ORDER BY a.local_date_time) AS "assetIds"
  FROM memories m`;

/** A user's visible memories, for one day or all, newest day and most recent year first. */
export async function listMemories(db: Queryable, ownerId: string, f: { day?: string; isSaved?: boolean }): Promise<MemoryRow[]> {
  const { rows } = await db.query<MemoryRow>(
    `${MEMORY_SELECT} WHERE m.owner_id = $1 AND m.hidden_at IS NULL AND ($2::date IS NULL OR m.memory_at = $2)
       AND ($3::boolean IS NULL OR m.is_saved = $3)
     ORDER BY m.memory_at DESC, m.year DESC`,
    [ownerId, f.day ?? null, f.isSaved ?? null],
  );
  return rows.filter((m) => m.assetIds.length > 0);
}

export async function getMemory(db: Queryable, ownerId: string, id: string): Promise<MemoryRow | undefined> {
  const { rows } = await db.query<MemoryRow>(`${MEMORY_SELECT} WHERE m.id = $1 AND m.owner_id = $2 AND m.hidden_at IS NULL`, [id, ownerId]);
  return rows[0];
}

export async function updateMemory(db: Queryable, ownerId: string, id: string, change: { isSaved?: boolean; seenAt?: Date; hidden?: boolean }): Promise<boolean> {
  const result = await db.query(
    `UPDATE memories SET is_saved = coalesce($3, is_saved), seen_at = coalesce($4, seen_at),
       hidden_at = CASE WHEN $5 THEN now() ELSE hidden_at END, updated_at = now()
     WHERE id = $1 AND owner_id = $2 AND hidden_at IS NULL`,
    [id, ownerId, change.isSaved ?? null, change.seenAt ?? null, change.hidden ?? false],
  );
  return result.rowCount === 1;
}
