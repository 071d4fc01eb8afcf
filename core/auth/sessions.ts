import type { Queryable } from '../ports/database.js';
import type { DeviceDetails } from './user-agent.js';

/** A sign-in ends after this many days without use (Immich's session clean-up). */
export const SESSION_IDLE_DAYS = 90;
/** Each use moves a session's `updated_at` on, but no more than once in this long. */
const TOUCH_EVERY_MS = 3_600_000;

export interface Session {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
  deviceType: string;
  deviceOS: string;
  appVersion: string | null;
  isPendingSyncReset: boolean;
}

const SESSION_COLUMNS = `s.id, s.created_at AS "createdAt", s.updated_at AS "updatedAt", s.expires_at AS "expiresAt",
  s.device_type AS "deviceType", s.device_os AS "deviceOS", s.app_version AS "appVersion", s.sync_reset_pending AS "isPendingSyncReset"`;

/** SQL over `sessions s`: the session still lets its holder in at `$now`. */
export const SESSION_VALID = (now: string) =>
  `(s.expires_at IS NULL OR s.expires_at > ${now}) AND s.updated_at > ${now} - interval '${SESSION_IDLE_DAYS} days'`;

export async function insertSession(
  db: Queryable,
  s: { userId: string; tokenHash: Buffer; device: DeviceDetails; expiresAt?: Date | null; parentId?: string; oauthSid?: string },
): Promise<Session> {
  const { rows } = await db.query<Session>(
    `INSERT INTO sessions AS s (user_id, token_hash, device_type, device_os, app_version, expires_at, parent_id, oauth_sid)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SESSION_COLUMNS}`,
    [s.userId, s.tokenHash, s.device.deviceType, s.device.deviceOS, s.device.appVersion, s.expiresAt ?? null, s.parentId ?? null, s.oauthSid ?? null],
  );
  return rows[0]!;
}

/** A user's sessions that still let them in, most recently used first. */
export async function listSessions(db: Queryable, userId: string, now: Date): Promise<Session[]> {
  const { rows } = await db.query<Session>(
    `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.user_id = $1 AND ${SESSION_VALID('$2::timestamptz')} ORDER BY s.updated_at DESC, s.id`,
    [userId, now],
  );
  return rows;
}

export async function setSessionSyncReset(db: Queryable, id: string, pending: boolean): Promise<Session> {
  const { rows } = await db.query<Session>(
    `UPDATE sessions s SET sync_reset_pending = $2, updated_at = now() WHERE s.id = $1 RETURNING ${SESSION_COLUMNS}`,
    [id, pending],
  );
  return rows[0]!;
}

export async function deleteSession(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id = $1', [id]);
}

/** Signs a user out everywhere but `keep` (the session asking, when it is one). */
export async function deleteOtherSessions(db: Queryable, userId: string, keep: string | undefined): Promise<void> {
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2', [userId, keep ?? null]);
}

/**
 * The identity provider signed someone out (back-channel logout): its session `sid` ends here
 * too, or, when the provider names only the account, every session of the user linked to it.
 * Returns the users whose sessions ended.
 */
export async function deleteOAuthSessions(db: Queryable, who: { sub?: string; sid?: string }): Promise<string[]> {
  const { rows } = await db.query<{ userId: string }>(
    `DELETE FROM sessions s WHERE ($1::text IS NOT NULL AND s.oauth_sid = $1)
       OR ($1::text IS NULL AND s.user_id IN (SELECT id FROM users WHERE oauth_id <> '' AND oauth_id = $2))
     RETURNING s.user_id AS "userId"`,
    [who.sid ?? null, who.sub ?? null],
  );
  return [...new Set(rows.map((r) => r.userId))];
}

/** The provider's session a sign-in belongs to (set when an account is linked, cleared when unlinked). */
export async function setSessionOAuthSid(db: Queryable, id: string, sid: string | null): Promise<void> {
  await db.query('UPDATE sessions SET oauth_sid = $2 WHERE id = $1', [id, sid]);
}

export async function sessionExpiry(db: Queryable, id: string): Promise<Date | null> {
  const { rows } = await db.query<{ expiresAt: Date | null }>('SELECT expires_at AS "expiresAt" FROM sessions WHERE id = $1', [id]);
  return rows[0]?.expiresAt ?? null;
}

/**
 * Records a use of the session: its idle clock starts again and the device it was used from is
 * remembered, where the request names one (a tool that sends no user agent leaves what the
 * login recorded). Written at most hourly, or at once when the phone app's version changed.
 */
export async function touchSession(db: Queryable, s: { id: string; updatedAt: Date; appVersion: string | null }, device: DeviceDetails, now: Date): Promise<void> {
  const newVersion = device.appVersion !== null && device.appVersion !== s.appVersion;
  if (now.getTime() - s.updatedAt.getTime() < TOUCH_EVERY_MS && !newVersion) return;
  const named = device.deviceType !== '' || device.deviceOS !== '' || device.appVersion !== null;
  await db.query(
    named
      ? 'UPDATE sessions SET updated_at = $2, device_type = $3, device_os = $4, app_version = $5 WHERE id = $1'
      : 'UPDATE sessions SET updated_at = $2 WHERE id = $1',
    named ? [s.id, now, device.deviceType, device.deviceOS, device.appVersion] : [s.id, now],
  );
}

/** Removes sessions that no longer let anyone in (the daily clean-up); returns how many. */
export async function deleteEndedSessions(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM sessions s WHERE NOT (${SESSION_VALID('$1::timestamptz')})`, [now]);
  return rowCount ?? 0;
}
