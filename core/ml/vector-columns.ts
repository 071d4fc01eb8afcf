import { transaction, type Database } from '../ports/database.js';

/**
 * pgvector's HNSW index needs one fixed size per column, and models differ (CLIP ViT-B-32:
 * 512, ViT-L-14: 768; ArcFace: 512, MobileFaceNet: 128). When a model of another size
 * arrives, its table is emptied — vectors of two models cannot be compared anyway — and the
 * column and index are remade for the new size, as Immich does on a model change.
 */
const TABLES = {
  smart_search: 'smart_search_embedding',
  asset_faces: 'asset_faces_embedding',
} as const;

const known = new Map<string, number>();

export async function ensureVectorSize(db: Database, table: keyof typeof TABLES, size: number): Promise<void> {
  if (known.get(table) === size) return;
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new Error(`A model produced ${size}-dimensional vectors`);
  await transaction(db, async (tx) => {
    const { rows } = await tx.query<{ size: number }>(
      `SELECT atttypmod AS size FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'embedding'`,
      [table],
    );
    if (rows[0]?.size !== size) {
      const index = TABLES[table];
      if (table === 'asset_faces') await tx.query('UPDATE people SET face_id = NULL');
      await tx.query(`DELETE FROM ${table}`);
      await tx.query(`DROP INDEX IF EXISTS ${index}`);
      await tx.query(`ALTER TABLE ${table} ALTER COLUMN embedding TYPE vector(${size})`);
      await tx.query(`CREATE INDEX ${index} ON ${table} USING hnsw (embedding vector_cosine_ops)`);
    }
  });
  known.set(table, size);
}

/** A vector as pgvector's text form. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}
