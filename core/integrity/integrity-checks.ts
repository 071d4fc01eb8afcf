import { createHash } from 'node:crypto';
import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';
import { trashAssets } from '../assets/trash.js';

/**
 * Immich's integrity checks, made against Shoebox's own store: what the database names but the
 * store lacks, what the store holds that nothing names, and originals whose bytes changed. Each
 * check replaces its own earlier findings; nothing is changed until an admin acts on a report.
 * External-library files are not checked here: the library scan watches them (offline assets).
 */
export const INTEGRITY_TYPES = ['missing_file', 'untracked_file', 'checksum_mismatch'] as const;
export type IntegrityType = (typeof INTEGRITY_TYPES)[number];

const BATCH = 500;
const HEADS_AT_ONCE = 8;
/** A file this young may be a stage's output whose row is not written yet (a thumbnail is written, then recorded). */
const UNTRACKED_GRACE_MS = 3_600_000;
/** What the store holds that rows may name: originals, derived files, profile pictures. Staging and multipart parts are the upload's own. */
const CHECKED_PREFIXES = ['originals/', 'derived/', 'profile/'];

async function replaceFindings(db: Queryable, type: IntegrityType, findings: Array<{ path: string; assetId: string | null; fileType: string | null }>, first: boolean) {
  if (first) await db.query('DELETE FROM integrity_reports WHERE type = $1', [type]);
  if (findings.length === 0) return;
  await db.query(
    `INSERT INTO integrity_reports (type, path, asset_id, file_type)
     SELECT $1, f.path, f.asset_id, f.file_type FROM unnest($2::text[], $3::uuid[], $4::text[]) AS f (path, asset_id, file_type)
     ON CONFLICT (type, path) DO NOTHING`,
    [type, findings.map((f) => f.path), findings.map((f) => f.assetId), findings.map((f) => f.fileType)],
  );
}

async function inParallel<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  }));
  return results;
}

/** Every original and derived file the database names, looked for in the store. Returns how many are missing. */
export async function checkMissingFiles(db: Queryable, store: ObjectStore): Promise<number> {
  let found = 0;
  let first = true;
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ path: string; assetId: string | null; fileType: string | null }>(
      `SELECT path, "assetId", "fileType" FROM (
         SELECT a.original_path AS path, a.id AS "assetId", NULL AS "fileType" FROM assets a
           WHERE a.library_id IS NULL AND a.status NOT IN ('uploading', 'failed')
         UNION ALL
         SELECT f.path, f.asset_id, f.type FROM asset_files f JOIN assets a ON a.id = f.asset_id
         UNION ALL
         SELECT u.profile_image_key, NULL, 'profile' FROM users u WHERE u.profile_image_key IS NOT NULL
       ) named WHERE path COLLATE "C" > $1 ORDER BY path COLLATE "C" LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0 && !first) break;
    const present = await inParallel(rows, HEADS_AT_ONCE, async (r) => (await store.head(r.path)) !== undefined);
    const missing = rows.filter((_, i) => !present[i]);
    await replaceFindings(db, 'missing_file', missing, first);
    found += missing.length;
    first = false;
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.path;
  }
  return found;
}

/** Every file under the store's folders, looked for in the database. Returns how many nothing names. */
export async function checkUntrackedFiles(db: Queryable, store: ObjectStore, now: Date): Promise<number> {
  let found = 0;
  let first = true;
  const flush = async (keys: string[]) => {
    const { rows } = await db.query<{ key: string }>(
      `SELECT k.key FROM unnest($1::text[]) AS k (key)
       WHERE NOT EXISTS (SELECT 1 FROM assets a WHERE a.original_path = k.key AND a.library_id IS NULL)
         AND NOT EXISTS (SELECT 1 FROM asset_files f WHERE f.path = k.key)
         AND NOT EXISTS (SELECT 1 FROM users u WHERE u.profile_image_key = k.key)
         AND NOT EXISTS (SELECT 1 FROM upload_sessions s WHERE s.object_key = k.key)`,
      [keys],
    );
    await replaceFindings(db, 'untracked_file', rows.map((r) => ({ path: r.key, assetId: null, fileType: null })), first);
    first = false;
    found += rows.length;
  };
  let batch: string[] = [];
  for (const prefix of CHECKED_PREFIXES) {
    for await (const object of store.list(prefix)) {
      if (now.getTime() - object.lastModified.getTime() < UNTRACKED_GRACE_MS) continue;
      batch.push(object.key);
      if (batch.length >= BATCH) {
        await flush(batch);
        batch = [];
      }
    }
  }
  await flush(batch);
  return found;
}

/**
 * Uploaded originals hashed again (SHA-1, as Immich's clients compute it), those checked longest
 * ago first, until the share of the library or the time the admin allows is used. Returns how
 * many no longer match.
 */
export async function checkChecksums(db: Queryable, store: ObjectStore, limits: { percentage: number; timeLimitMs: number }, now: () => Date): Promise<number> {
  const started = now().getTime();
  const { rows: total } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assets WHERE library_id IS NULL AND status = 'ready' AND checksum IS NOT NULL`);
  const quota = Math.max(1, Math.ceil((total[0]!.n * Math.min(100, Math.max(0, limits.percentage))) / 100));
  const { rows } = await db.query<{ id: string; path: string; checksum: Buffer }>(
    `SELECT a.id, a.original_path AS path, a.checksum FROM assets a LEFT JOIN integrity_verified v ON v.asset_id = a.id
     WHERE a.library_id IS NULL AND a.status = 'ready' AND a.checksum IS NOT NULL
     ORDER BY v.verified_at NULLS FIRST, a.id LIMIT $1`,
    [quota],
  );
  const mismatched: Array<{ path: string; assetId: string; fileType: null }> = [];
  const verified: string[] = [];
  for (const asset of rows) {
    if (now().getTime() - started > limits.timeLimitMs) break;
    const hash = createHash('sha1');
    try {
      for await (const chunk of await store.read(asset.path)) hash.update(chunk as Buffer);
    } catch {
      continue; // A missing original is the missing-file check's finding.
    }
    if (!hash.digest().equals(asset.checksum)) mismatched.push({ path: asset.path, assetId: asset.id, fileType: null });
    verified.push(asset.id);
  }
  // Findings for the originals hashed now replace theirs; earlier findings for others stay.
  await db.query(`DELETE FROM integrity_reports WHERE type = 'checksum_mismatch' AND asset_id = ANY($1::uuid[])`, [verified]);
  await replaceFindings(db, 'checksum_mismatch', mismatched, false);
  await db.query(
    `INSERT INTO integrity_verified (asset_id, verified_at) SELECT unnest($1::uuid[]), $2
     ON CONFLICT (asset_id) DO UPDATE SET verified_at = excluded.verified_at`,
    [verified, now()],
  );
  return mismatched.length;
}

export interface IntegrityReport {
  id: string;
  type: IntegrityType;
  path: string;
  assetId: string | null;
  fileType: string | null;
}

export async function integritySummary(db: Queryable): Promise<Record<IntegrityType, number>> {
  const { rows } = await db.query<{ type: IntegrityType; n: number }>('SELECT type, count(*)::int AS n FROM integrity_reports GROUP BY type');
  const summary = { checksum_mismatch: 0, missing_file: 0, untracked_file: 0 };
  for (const r of rows) summary[r.type] = r.n;
  return summary;
}

/** One page of a type's findings in id order; the cursor is the last id seen. */
export async function integrityReports(db: Queryable, type: IntegrityType, page: { cursor?: string; limit: number }): Promise<{ items: IntegrityReport[]; nextCursor?: string }> {
  const { rows } = await db.query<IntegrityReport>(
    `SELECT id, type, path, asset_id AS "assetId", file_type AS "fileType" FROM integrity_reports
     WHERE type = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3`,
    [type, page.cursor ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit);
  return { items, ...(rows.length > page.limit ? { nextCursor: items.at(-1)!.id } : {}) };
}

export async function integrityReport(db: Queryable, id: string): Promise<IntegrityReport | undefined> {
  const { rows } = await db.query<IntegrityReport>(`SELECT id, type, path, asset_id AS "assetId", file_type AS "fileType" FROM integrity_reports WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * Acting on a finding, as Immich does: an asset whose original is missing or damaged goes to
 * the trash (its owner may restore or delete it); a missing derived file is forgotten, so its
 * stage can make it again; an untracked file is deleted from the store.
 */
export async function resolveIntegrityReports(db: Queryable, store: ObjectStore, reports: IntegrityReport[]): Promise<void> {
  const trashed = reports.filter((r) => r.assetId && !r.fileType).map((r) => r.assetId!);
  if (trashed.length) await trashAssets(db, trashed);
  for (const r of reports.filter((r) => r.assetId && r.fileType && r.fileType !== 'profile')) {
    await db.query('DELETE FROM asset_files WHERE asset_id = $1 AND type = $2 AND path = $3', [r.assetId, r.fileType, r.path]);
  }
  for (const r of reports.filter((r) => r.fileType === 'profile')) await db.query('UPDATE users SET profile_image_key = NULL WHERE profile_image_key = $1', [r.path]);
  for (const r of reports.filter((r) => r.type === 'untracked_file')) await store.delete(r.path);
  await db.query('DELETE FROM integrity_reports WHERE id = ANY($1::uuid[])', [reports.map((r) => r.id)]);
}

const CHECK_OF_JOB = { 'missing-files': 'missing_file', 'untracked-files': 'untracked_file', 'checksum-mismatch': 'checksum_mismatch' } as const;

/**
 * Immich's manual integrity jobs (`integrity-missing-files`, `…-refresh`, `…-delete-all`):
 * a check (a refresh is the same check run again), or every finding of a type acted on.
 */
export async function runIntegrityJob(
  db: Queryable,
  store: ObjectStore,
  job: string,
  settings: { checksumFiles: { timeLimit: number; percentageLimit: number } },
  now: () => Date,
): Promise<boolean> {
  const match = /^integrity-(missing-files|untracked-files|checksum-mismatch)(-refresh|-delete-all)?$/.exec(job);
  if (!match) return false;
  const type = CHECK_OF_JOB[match[1] as keyof typeof CHECK_OF_JOB];
  if (match[2] === '-delete-all') {
    for (;;) {
      const { items } = await integrityReports(db, type, { limit: BATCH });
      if (items.length === 0) break;
      await resolveIntegrityReports(db, store, items);
    }
  } else if (type === 'missing_file') await checkMissingFiles(db, store);
  else if (type === 'untracked_file') await checkUntrackedFiles(db, store, now());
  else await checkChecksums(db, store, { percentage: settings.checksumFiles.percentageLimit, timeLimitMs: settings.checksumFiles.timeLimit }, now);
  return true;
}
