import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transaction, type Database, type Queryable } from '../ports/database.js';

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same for every Shoebox process on one database.
const MIGRATION_LOCK = 0x5b0e_b0c5;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function listMigrations(dir = migrationsDir): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(path.join(dir, file), 'utf8'),
    })),
  );
}

/** Applies every migration not yet applied, in order, in one transaction. */
export async function migrate(db: Database, migrations?: Migration[]): Promise<string[]> {
  const all = migrations ?? (await listMigrations());
  await db.query(SCHEMA_MIGRATIONS_TABLE);
  return transaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    return applyMigrations(tx, all);
  });
}

const SCHEMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/** The migrations of `migrations` not yet applied, applied within the caller's transaction (a restore's). */
export async function applyMigrations(tx: Queryable, migrations: Migration[]): Promise<string[]> {
  await tx.query(SCHEMA_MIGRATIONS_TABLE);
  const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const names: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await tx.query(migration.sql);
    await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    names.push(migration.name);
  }
  return names;
}
