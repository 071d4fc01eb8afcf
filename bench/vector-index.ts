import type { Queryable } from '../core/ports/database.js';

/**
 * Builds the smart-search HNSW index over vectors loaded without it (loading first, indexing
 * once, is far faster than indexing row by row) and refreshes the planner's statistics.
 * Returns the seconds it took.
 */
export async function buildSmartSearchIndex(db: Queryable): Promise<number> {
  const started = performance.now();
  // The graph must fit in maintenance_work_mem, or pgvector builds it on disk, far slower.
  await db.query(`SET maintenance_work_mem = '1GB'`);
  await db.query('CREATE INDEX smart_search_embedding ON smart_search USING hnsw (embedding vector_cosine_ops)');
  await db.query('RESET maintenance_work_mem');
  await db.query('ANALYZE');
  return (performance.now() - started) / 1000;
}
