import type pg from 'pg';

/** The `pg` driver, against PGlite (through pglite-socket) or a real Postgres alike. */
export type Database = Pick<pg.Pool, 'query' | 'connect'>;
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** Runs `fn` in one transaction. Keep it short and free of I/O: PGlite has one backend. */
export async function transaction<T>(db: Database, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
