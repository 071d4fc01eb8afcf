import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { listMigrations } from '../db/migrate.js';
import { BadRequest } from '../errors.js';
import type { BackupFile, BackupFiles } from '../ports/backup-files.js';
import type { Database } from '../ports/database.js';
import { dumpDatabase, dumpLines, parseDumpHeader, restoreDatabaseDump, type DumpHeader, type RestoreSummary } from './database-dump.js';

/**
 * Database backups as Immich keeps them: a gzipped dump per night in `<data>/backups`, the
 * newest N kept, named `shoebox-db-backup-<UTC time>-v<shoebox>-pg<postgres>.sql.gz` (Immich's
 * pattern with our name); an uploaded one is kept as `uploaded-<its name>`.
 */
const MADE = /^shoebox-db-backup-\d{8}T\d{6}-v[\w.+-]{1,40}-pg[\w.+-]{1,40}\.sql(\.gz)?$/;
const UPLOADED = /^uploaded-[\p{L}\p{N}_.+ -]{1,200}\.sql(\.gz)?$/u;

export function isBackupName(name: string): boolean {
  return (MADE.test(name) || UPLOADED.test(name)) && !name.includes('..');
}

export function requireBackupName(name: string): string {
  if (!isBackupName(name)) throw new BadRequest(`Not a backup name: ${name.slice(0, 100)}`);
  return name;
}

function backupName(header: DumpHeader): string {
  const stamp = header.createdAt.replace(/[-:]/g, '').slice(0, 15);
  return `shoebox-db-backup-${stamp}-v${header.shoebox}-pg${header.postgres}.sql.gz`;
}

/** The name an uploaded dump is kept under. */
export function uploadedBackupName(fileName: string): string {
  const base = fileName.normalize('NFC').replace(/\.sql(\.gz)?$/i, '').replace(/[^\p{L}\p{N}_.+ -]/gu, '_').replace(/\.{2,}/g, '.').slice(0, 180) || 'backup';
  return `uploaded-${base}.sql.gz`;
}

/** Dumps the database into a new backup, then deletes the oldest made ones beyond `keep`. */
export async function createDatabaseBackup(db: Database, files: BackupFiles, opts: { now: Date; keep: number }): Promise<BackupFile> {
  const lines = dumpDatabase(db, opts.now);
  // The header comes first and names the file; the rest streams through gzip to disk.
  const first = await lines.next();
  if (first.done) throw new Error('the dump produced nothing');
  const header = parseDumpHeader(first.value.trimEnd());
  const body = Readable.from(
    (async function* () {
      yield first.value;
      yield* lines;
    })(),
  ).pipe(createGzip());
  const file = await files.write(backupName(header), body);
  const made = (await files.list()).filter((f) => MADE.test(f.name)).sort((a, b) => b.name.localeCompare(a.name));
  for (const old of made.slice(opts.keep)) await files.delete(old.name);
  return file;
}

/** A backup's lines, gunzipped when it is gzipped (by its magic bytes, not its name). */
export async function* backupLines(stream: Readable): AsyncGenerator<string> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await iterator.next();
  if (first.done) throw new BadRequest('The backup is empty');
  const rest = (async function* () {
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  const gzipped = first.value[0] === 0x1f && first.value[1] === 0x8b;
  const source: AsyncIterable<Buffer> = gzipped ? Readable.from(rest).pipe(createGunzip()) : rest;
  try {
    yield* dumpLines(source);
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    // zlib's and the UTF-8 decoder's errors: the file, not the server, is at fault.
    throw new BadRequest(`The backup cannot be read: ${(error as Error).message}`);
  } finally {
    stream.destroy();
  }
}

/** Checks that a stored backup starts as a Shoebox dump does (for uploads, before anyone restores it). */
export async function readBackupHeader(files: BackupFiles, name: string): Promise<DumpHeader> {
  const lines = backupLines(await files.read(name));
  try {
    const first = await lines.next();
    return parseDumpHeader(first.done ? undefined : first.value);
  } finally {
    await lines.return(undefined);
  }
}

/** Replaces the whole database with a stored backup (one transaction: all of it, or nothing). */
export async function restoreDatabaseBackup(db: Database, files: BackupFiles, name: string): Promise<RestoreSummary> {
  return restoreDatabaseDump(db, backupLines(await files.read(requireBackupName(name))), await listMigrations());
}
