import { Readable } from 'node:stream';
import { detectPriorInstall } from '../../core/backups/prior-install.js';
import { DAILY_JOBS } from '../scheduled/daily-jobs.js';
import { runIntegrityJob } from '../../core/integrity/integrity-checks.js';
import { readSystemConfig } from '../../core/system-config/system-config.js';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import {
  createDatabaseBackup,
  isBackupName,
  readBackupHeader,
  requireBackupName,
  uploadedBackupName,
} from '../../core/backups/database-backups.js';
import { MAINTENANCE_ACTIONS, maintenanceOf } from '../../core/backups/maintenance.js';
import { BadRequest, NotFound, Unauthorized } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { contentDisposition } from '../../core/http/media-response.js';
import { receiveMultipartFile } from '../../core/http/multipart-file.js';
import { requestIsHttps } from '../../core/http/request-origin.js';
import { jsonBody } from '../../core/http/validate.js';
import type { BackupFiles } from '../../core/ports/backup-files.js';
import type { Ports } from '../../core/runtime/ports.js';
import { countUsers } from '../../core/users/user-queries.js';

export const MAINTENANCE_COOKIE = 'immich_maintenance_token';

export const DatabaseBackupDelete = z.object({ backups: z.array(z.string().max(300)).min(1).max(1000) });
export const SetMaintenanceMode = z.object({ action: z.enum(MAINTENANCE_ACTIONS), restoreBackupFilename: z.string().max(300).optional() });

function setMaintenanceCookie(c: Context<ApiEnv>, token: string): void {
  setCookie(c, MAINTENANCE_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: requestIsHttps(c, c.var.ports.config), path: '/' });
}

function backupFiles(ports: Ports): BackupFiles {
  if (!ports.backups) throw new BadRequest('This server keeps no database backups: on AWS, RDS/Aurora snapshots are the backup');
  return ports.backups;
}

/** An admin — or, in a restore flow on a server without one yet, whoever holds the maintenance token. */
const adminOrMaintenanceToken: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (maintenanceOf(c.var.ports).holds(getCookie(c, MAINTENANCE_COOKIE))) return next();
  await authenticate(c, async () => {
    await requireAdmin(c, next);
  });
};

/**
 * Immich's database backups (`/admin/database-backups`) and maintenance mode (`/admin/maintenance`):
 * list, download, delete and upload dumps, make one now (`POST /jobs` backup-database, in
 * job-routes), and restore one — from the API, or with `shoebox restore` while the server is stopped.
 */
export const databaseBackupRoutes = new Hono<ApiEnv>()
  .get('/admin/database-backups', adminOrMaintenanceToken, async (c) => {
    const files = await backupFiles(c.var.ports).list();
    const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return c.json({ backups: files.filter((f) => isBackupName(f.name)).map((f) => ({ filename: f.name, filesize: f.size, timezone })) });
  })
  .get('/admin/database-backups/:filename', adminOrMaintenanceToken, async (c) => {
    const name = requireBackupName(c.req.param('filename'));
    const stream = await backupFiles(c.var.ports).read(name);
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': contentDisposition('attachment', name), 'cache-control': 'private, no-store' },
    });
  })
  .delete('/admin/database-backups', adminOrMaintenanceToken, async (c) => {
    const { backups } = await jsonBody(c, DatabaseBackupDelete);
    const files = backupFiles(c.var.ports);
    const present = new Set((await files.list()).map((f) => f.name));
    // All named backups must exist before any is deleted: a typo deletes nothing.
    for (const name of backups) if (!present.has(requireBackupName(name))) throw new NotFound(`No backup named ${name}`);
    for (const name of backups) await files.delete(name);
    return c.body(null, 200);
  })
  .post('/admin/database-backups/upload', adminOrMaintenanceToken, async (c) => {
    const files = backupFiles(c.var.ports);
    const name = await receiveMultipartFile(c.req.raw, { field: 'file', maxBytes: c.var.ports.config.maxUploadBytes }, async (file, fileName) => {
      const stored = uploadedBackupName(fileName);
      await files.write(stored, file);
      return stored;
    });
    // Only a file that starts as a Shoebox dump stays: anything else is refused and removed.
    await readBackupHeader(files, name).catch(async (error: Error) => {
      await files.delete(name);
      throw error instanceof BadRequest ? error : new BadRequest(`Not a Shoebox database dump: ${error.message}`);
    });
    return c.body(null, 201);
  })
  .post('/admin/database-backups/start-restore', async (c) => {
    // As admin-sign-up decides it: any account means the server is set up.
    if ((await countUsers(c.var.ports.db)) > 0) throw new BadRequest('The server already has an admin');
    backupFiles(c.var.ports);
    const token = maintenanceOf(c.var.ports).start('select_database_restore');
    setMaintenanceCookie(c, token);
    return c.body(null, 201);
  })
  .get('/admin/maintenance/status', (c) => c.json(maintenanceOf(c.var.ports).status))
  .get('/admin/maintenance/detect-install', adminOrMaintenanceToken, async (c) => c.json(await detectPriorInstall(c.var.ports.store, c.var.ports.backups)))
  // The maintenance page proves it holds the token (from its link, or the cookie) and learns whose it is.
  .post('/admin/maintenance/login', async (c) => {
    const body = await jsonBody(c, MaintenanceLogin);
    const token = body.token ?? getCookie(c, MAINTENANCE_COOKIE);
    const maintenance = maintenanceOf(c.var.ports);
    if (!maintenance.holds(token)) throw new Unauthorized('Invalid maintenance token');
    setMaintenanceCookie(c, token!);
    const { rows } = await c.var.ports.db.query<{ name: string }>('SELECT name FROM users WHERE is_admin AND deleted_at IS NULL ORDER BY created_at LIMIT 1');
    return c.json({ username: rows[0]?.name ?? 'Administrator' }, 201);
  })
  .post('/admin/maintenance', adminOrMaintenanceToken, async (c) => {
    const body = await jsonBody(c, SetMaintenanceMode);
    const maintenance = maintenanceOf(c.var.ports);
    if (body.action === 'end') {
      if (maintenance.status.action === 'restore_database' && !maintenance.status.error && maintenance.status.active) {
        throw new BadRequest('A restore is running; it ends maintenance itself when done');
      }
      maintenance.end();
      return c.body(null, 201);
    }
    if (body.action !== 'restore_database') {
      const token = maintenance.start(body.action);
      setMaintenanceCookie(c, token);
      return c.body(null, 201);
    }
    if (!body.restoreBackupFilename) throw new BadRequest('restore_database needs restoreBackupFilename');
    const name = requireBackupName(body.restoreBackupFilename);
    const files = backupFiles(c.var.ports);
    await readBackupHeader(files, name);
    void maintenance.restore(c.var.ports, name);
    return c.body(null, 201);
  })
  .post('/jobs', authenticate, requireAdmin, async (c) => {
    const { name } = await jsonBody(c, JobCreate);
    const { ports } = c.var;
    if (name === 'backup-database') {
      await createDatabaseBackup(ports.db, backupFiles(ports), { now: ports.clock.now(), keep: ports.config.backups.keep });
      return c.body(null, 204);
    }
    // What the nightly jobs do, now: memories for today, and users whose deletion delay is over.
    const nightly = { 'memory-create': DAILY_JOBS.memories, 'user-cleanup': DAILY_JOBS.users }[name as string];
    if (nightly) {
      await nightly(ports, ports.clock.now());
      return c.body(null, 204);
    }
    const { integrityChecks } = await readSystemConfig(ports.db, ports.config);
    if (await runIntegrityJob(ports.db, ports.store, name, integrityChecks, () => ports.clock.now())) return c.body(null, 204);
    throw new BadRequest(`Shoebox runs ${name} by itself (daily); backup-database, memory-create, user-cleanup and the integrity checks can be started by hand`);
  });

/** Immich's MaintenanceLoginDto. */
export const MaintenanceLogin = z.object({ token: z.string().max(1000).optional() });

/** Immich's `JobCreateDto` (`ManualJobName`). */
export const JobCreate = z.object({
  name: z.enum([
    'person-cleanup', 'tag-cleanup', 'user-cleanup', 'memory-cleanup', 'memory-create', 'backup-database',
    'integrity-missing-files', 'integrity-untracked-files', 'integrity-checksum-mismatch', 'integrity-missing-files-refresh',
    'integrity-untracked-files-refresh', 'integrity-checksum-mismatch-refresh', 'integrity-missing-files-delete-all',
    'integrity-untracked-files-delete-all', 'integrity-checksum-mismatch-delete-all',
  ]),
});

/** While maintenance is on, the API answers only what the restore flow and a login page need. */
export const maintenanceGate: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!maintenanceOf(c.var.ports).status.active) return next();
  const path = c.req.path.replace(/^\/api/, '');
  if (/^\/(admin\/maintenance|admin\/database-backups)(\/|$)/.test(path) || /^\/server\/(ping|version|config|features)$/.test(path)) return next();
  return c.json({ message: 'Shoebox is in maintenance mode (a database restore); try again shortly' }, 503, {
    'retry-after': '5',
  });
};
