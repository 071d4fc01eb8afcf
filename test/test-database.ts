import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { startEmbeddedPostgres } from '../adapters/local/embedded-postgres.js';
import { connectDatabase } from '../core/db/connect.js';
import { migrate } from '../core/db/migrate.js';
import type { Logger } from '../core/ports/logger.js';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface TestDatabase {
  db: pg.Pool;
  dir: string;
  close(): Promise<void>;
}

/** A migrated embedded Postgres (PGlite + pgvector) in a temp folder. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-db-'));
  const pglite = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), sharedBuffers: '16MB' });
  const db = connectDatabase(pglite.url, { max: 1, logger: silentLogger });
  await migrate(db);
  return {
    db,
    dir,
    async close() {
      await db.end();
      await pglite.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
