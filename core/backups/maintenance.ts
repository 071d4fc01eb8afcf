import { randomBytes, timingSafeEqual } from 'node:crypto';
import { forgetAllCredentials } from '../http/authenticate.js';
import type { Ports } from '../runtime/ports.js';
import { restoreDatabaseBackup } from './database-backups.js';

/** Immich's maintenance actions (@immich/sdk `MaintenanceAction`). */
export const MAINTENANCE_ACTIONS = ['start', 'end', 'select_database_restore', 'restore_database'] as const;
export type MaintenanceAction = (typeof MAINTENANCE_ACTIONS)[number];

export interface MaintenanceStatus {
  active: boolean;
  action: MaintenanceAction;
  task?: string;
  error?: string;
}

/**
 * Maintenance mode, as Immich has it: while active, the API answers only the maintenance and
 * backup routes (and what a login page asks), so nothing writes while a backup is restored.
 * Held in this process: the local runtime is one server process; on AWS there are no backups.
 * A maintenance token (a cookie) lets someone on a server without an admin yet restore one.
 */
export class Maintenance {
  status: MaintenanceStatus = { active: false, action: 'end' };
  private token: Buffer | undefined;

  /** Enters maintenance for `action`; returns the token that authorises the rest of the flow. */
  start(action: MaintenanceAction): string {
    const token = randomBytes(32).toString('base64url');
    this.token = Buffer.from(token);
    this.status = { active: true, action };
    return token;
  }

  end(): void {
    this.token = undefined;
    this.status = { active: false, action: 'end' };
  }

  holds(token: string | undefined): boolean {
    if (!token || !this.token || !this.status.active) return false;
    const given = Buffer.from(token);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  /**
   * Restores a backup in the background; the status says how it went. The restore is one
   * transaction, so a failure leaves the database as it was, and maintenance stays on with the
   * error until an admin ends it.
   */
  restore(ports: Ports, name: string): Promise<void> {
    if (!ports.backups) throw new Error('this runtime keeps no backups');
    const files = ports.backups;
    if (!this.status.active) this.token = Buffer.from(randomBytes(32).toString('base64url'));
    this.status = { active: true, action: 'restore_database', task: `Restoring ${name}` };
    return restoreDatabaseBackup(ports.db, files, name).then(
      (summary) => {
        // Sessions and keys are now the backup's: nothing cached from before may answer.
        forgetAllCredentials();
        ports.logger.info('database restored', { backup: name, rows: summary.rows, migrated: summary.migrated });
        this.end();
      },
      (error: Error) => {
        ports.logger.error('database restore failed; the database is unchanged', { backup: name, error: error.message });
        this.status = { active: true, action: 'restore_database', error: error.message };
      },
    );
  }
}

const byRuntime = new WeakMap<Ports, Maintenance>();

/** This runtime's maintenance state (one per runtime, so runtimes in one test process stay apart). */
export function maintenanceOf(ports: Ports): Maintenance {
  let maintenance = byRuntime.get(ports);
  if (!maintenance) byRuntime.set(ports, (maintenance = new Maintenance()));
  return maintenance;
}
