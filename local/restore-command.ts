import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { backupLines } from '../core/backups/database-backups.js';
import { restoreDatabaseDump, type RestoreSummary } from '../core/backups/database-dump.js';
import { readConfig } from '../core/config.js';
import { connectDatabase } from '../core/db/connect.js';
import { listMigrations } from '../core/db/migrate.js';
import { createLogger } from '../core/runtime/logger.js';
import { startEmbeddedPostgres } from '../adapters/local/embedded-postgres.js';
import { lockDataFolder } from './data-folder-lock.js';

/**
 * `shoebox restore <dump>`: replaces the database of this machine's Shoebox (SHOEBOX_DATA's
 * embedded one, or DATABASE_URL) with a backup, while the server is stopped. One transaction:
 * a damaged or cut-off dump changes nothing. The originals are not in the dump; they stay where
 * they are (restore the data folder's `store/` beside it for a full restore).
 */
export async function restoreFromFile(file: string, env: Record<string, string | undefined> = process.env): Promise<RestoreSummary> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new Error(`${file} is not a file`);
  const config = readConfig(env);
  const lock = await lockDataFolder(config.dataDir, 'shoebox restore');
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'db'), sharedBuffers: config.pgliteSharedBuffers });
  const db = connectDatabase(config.databaseUrl ?? embedded!.url, { max: 1, logger: createLogger(config.logLevel, 'shoebox-restore') });
  try {
    return await restoreDatabaseDump(db, backupLines(createReadStream(file)), await listMigrations());
  } finally {
    await db.end();
    await embedded?.stop();
    await lock.release();
  }
}
