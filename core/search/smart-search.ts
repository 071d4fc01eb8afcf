import { transaction, type Database } from '../ports/database.js';
import { vectorLiteral } from '../ml/vector-columns.js';
import type { ScopeSql } from '../timeline/timeline-scope.js';

export interface SearchPage {
  ids: string[];
  distances: number[];
  /** The next page's number, when this one was full. */
  nextPage: number | null;
}

/**
 * Assets in scope ranked by CLIP distance, one query: the HNSW index walks nearest first
 * and pgvector's iterative scan keeps walking while filters discard rows, so a page is
 * full whenever enough assets match. ef_search is raised to the page's end: pgvector
 * otherwise stops at 40 candidates and LIMIT would silently return fewer.
 */
export async function smartSearch(db: Database, scope: ScopeSql, vector: Float32Array, page: number, size: number): Promise<SearchPage> {
  const offset = (page - 1) * size;
  const n = scope.params.length;
  const rows = await transaction(db, async (tx) => {
    await tx.query(`SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(40, offset + size + 1))}`);
    await tx.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
    const result = await tx.query<{ id: string; distance: number }>(
      `WITH hits AS MATERIALIZED (
         SELECT a.id, s.embedding <=> $${n + 1} AS distance
         FROM smart_search s JOIN assets a ON a.id = s.asset_id
         WHERE ${scope.where}
         ORDER BY s.embedding <=> $${n + 1}
         LIMIT $${n + 2} OFFSET $${n + 3}
       ) SELECT id, distance FROM hits ORDER BY distance`,
      [...scope.params, vectorLiteral(vector), size + 1, offset],
    );
    return result.rows;
  });
  const full = rows.length > size;
  const shown = rows.slice(0, size);
  return { ids: shown.map((r) => r.id), distances: shown.map((r) => Number(r.distance)), nextPage: full ? page + 1 : null };
}

/** Recent texts' vectors per model: typing the same search again (or paging) skips the text encoder. */
const textVectors = new Map<string, Float32Array>();
const TEXT_CACHE_SIZE = 500;

export async function cachedTextVector(model: string, text: string, encode: (text: string) => Promise<Float32Array>): Promise<Float32Array> {
  const key = `${model}\n${text}`;
  const hit = textVectors.get(key);
  if (hit) {
    textVectors.delete(key);
    textVectors.set(key, hit); // most recently used last
    return hit;
  }
  const vector = await encode(text);
  textVectors.set(key, vector);
  if (textVectors.size > TEXT_CACHE_SIZE) textVectors.delete(textVectors.keys().next().value!);
  return vector;
}
