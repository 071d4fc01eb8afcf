import { deleteEndedSessions } from '../../core/auth/sessions.js';
import { createDatabaseBackup } from '../../core/backups/database-backups.js';
import { removeAssets, trashedAssetIds } from '../../core/assets/trash.js';
import { generateOnThisDay } from '../../core/memories/on-this-day.js';
import { checkChecksums, checkMissingFiles, checkUntrackedFiles } from '../../core/integrity/integrity-checks.js';
import { notifyAdmins, pruneNotifications } from '../../core/notifications/notifications.js';
import type { Queryable } from '../../core/ports/database.js';
import type { Ports } from '../../core/runtime/ports.js';
import { pruneLiveNotices } from '../../core/sync/live-events.js';
import { pruneSyncHistory } from '../../core/sync/sync-stream.js';
import { readSystemConfig } from '../../core/system-config/system-config.js';
import { usersToPurge } from '../../core/users/user-queries.js';
import { purgeUser } from '../../core/users/user-removal.js';
import { requestScans } from '../library-scan/scan-library.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Work that happens once a day, whoever asks: the local runtime's timer every minute, or
 * EventBridge on AWS. Each job is claimed for the day in the database first, so several
 * runtimes (or a restart) never run it twice; a job that fails gives its claim back and is
 * tried again on the next tick.
 */
export const DAILY_JOBS: Record<string, (ports: Ports, now: Date) => Promise<number>> = {
  /** "On this day" memories for today, for everyone. */
  memories: async ({ db }, now) => {
    await generateOnThisDay(db, now.toISOString().slice(0, 10));
    return 1;
  },
  /** Trash older than the retention (the admin's settings) is deleted for good (rows, then files). */
  trash: async ({ db, store, config }, now) => {
    const { trash } = await readSystemConfig(db, config);
    return removeAssets(db, store, await trashedAssetIds(db, { before: new Date(now.getTime() - trash.days * DAY_MS) }));
  },
  /** Users deleted longer ago than the grace period (the admin's settings), or with force: their files, then them. */
  users: async ({ db, store, config }, now) => {
    const { user } = await readSystemConfig(db, config);
    const ids = await usersToPurge(db, new Date(now.getTime() - user.deleteDelay * DAY_MS));
    for (const id of ids) await purgeUser(db, store, id);
    return ids.length;
  },
  /** The nightly database backup, where this runtime keeps backups (a data folder). */
  backup: async ({ db, backups, config }, now) => {
    if (!backups || !config.backups.nightly) return 0;
    await createDatabaseBackup(db, backups, { now, keep: config.backups.keep });
    return 1;
  },
  /** Deletions older than any phone may still ask for are forgotten (such a phone syncs afresh), and old live notices. */
  sync: async ({ db }) => (await pruneSyncHistory(db)) + (await pruneLiveNotices(db)),
  /** Sessions unused for 90 days, or past the end they were made with, are removed (Immich's session clean-up). */
  sessions: ({ db }, now) => deleteEndedSessions(db, now),
  /** The integrity checks the admin's settings leave on: missing, untracked and (a share of) damaged files. */
  integrity: async ({ db, store, config, clock }, now) => {
    const { integrityChecks: checks } = await readSystemConfig(db, config);
    let found = 0;
    if (checks.missingFiles.enabled) found += await checkMissingFiles(db, store);
    if (checks.untrackedFiles.enabled) found += await checkUntrackedFiles(db, store, now);
    if (checks.checksumFiles.enabled) {
      found += await checkChecksums(db, store, { percentage: checks.checksumFiles.percentageLimit, timeLimitMs: checks.checksumFiles.timeLimit }, () => clock.now());
    }
    return found;
  },
  /** Notifications deleted, read long ago, or unread for a month go (Immich's clean-up). */
  notifications: ({ db }, now) => pruneNotifications(db, now),
  /** External libraries are rescanned for new, changed and removed files (queued: a scan may be long). */
  libraries: (ports) => requestScans(ports),
};

async function claim(db: Queryable, job: string, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO scheduled_runs (job, last_run_at) VALUES ($1, $2)
     ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at
       WHERE scheduled_runs.last_run_at AT TIME ZONE 'UTC' < date_trunc('day', excluded.last_run_at AT TIME ZONE 'UTC')
     RETURNING job`,
    [job, now],
  );
  return rows.length === 1;
}

/** Runs every daily job not yet run today; returns what each did (counts), for logs and tests. */
export async function runDueDailyJobs(ports: Ports, only?: string[]): Promise<Record<string, number>> {
  const now = ports.clock.now();
  const done: Record<string, number> = {};
  for (const [job, run] of Object.entries(DAILY_JOBS)) {
    if (only && !only.includes(job)) continue;
    // The backup waits for its hour (the server's local time, like Immich's 02:00): a dump holds
    // the embedded database while it reads, which nobody should feel.
    if (job === 'backup' && now.getHours() < ports.config.backups.hour && !only) continue;
    if (!(await claim(ports.db, job, now))) continue;
    try {
      done[job] = await run(ports, now);
    } catch (error) {
      await ports.db.query('DELETE FROM scheduled_runs WHERE job = $1', [job]);
      ports.logger.error('daily job failed; it will be tried again', { job, error: (error as Error).message });
      // A backup that failed is something the admins must hear of, as Immich tells them.
      if (job === 'backup') await notifyAdmins(ports.db, { level: 'error', type: 'BackupFailed', title: 'Database backup failed', description: (error as Error).message });
    }
  }
  return done;
}
