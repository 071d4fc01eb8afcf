import type { License } from '../licenses/licenses.js';
import { SESSION_VALID } from '../auth/sessions.js';
import type { Queryable } from '../ports/database.js';

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  shouldChangePassword: boolean;
  avatarColor: string | null;
  storageLabel: string | null;
  quotaSizeBytes: number | null;
  status: 'active' | 'removing' | 'deleted';
  createdAt: Date;
  updatedAt: Date;
  profileChangedAt: Date;
  deletedAt: Date | null;
  license: License | null;
  /** The identity provider's `sub` this user signs in as; '' when not linked. */
  oauthId: string;
  /** Where their profile picture lies in the object store; null for the letter avatar. */
  profileImageKey: string | null;
}

const USER_COLUMNS = `u.id, u.email, u.name, u.is_admin AS "isAdmin", u.should_change_password AS "shouldChangePassword",
  u.avatar_color AS "avatarColor", u.storage_label AS "storageLabel", u.quota_size_bytes AS "quotaSizeBytes",
  u.status, u.created_at AS "createdAt", u.updated_at AS "updatedAt",
  u.profile_changed_at AS "profileChangedAt", u.deleted_at AS "deletedAt", u.license, u.oauth_id AS "oauthId",
  u.profile_image_key AS "profileImageKey"`;

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string | null;
  isAdmin: boolean;
  shouldChangePassword: boolean;
  quotaSizeBytes: number | null;
  storageLabel?: string | null;
  oauthId?: string;
}

export async function countUsers(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return rows[0]!.n;
}

/** Undefined when the e-mail is taken (case-insensitively). */
export async function insertUser(db: Queryable, user: NewUser): Promise<User | undefined> {
  const { rows } = await db.query<User>(
    `INSERT INTO users AS u (email, name, password_hash, is_admin, should_change_password, quota_size_bytes, storage_label, oauth_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING ${USER_COLUMNS}`,
    [user.email, user.name, user.passwordHash, user.isAdmin, user.shouldChangePassword, user.quotaSizeBytes, user.storageLabel ?? null, user.oauthId ?? ''],
  );
  return rows[0];
}

export async function getUser(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<User>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
  return rows[0];
}

export async function findUserForLogin(db: Queryable, email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
  const { rows } = await db.query<User & { passwordHash: string | null }>(
    `SELECT ${USER_COLUMNS}, u.password_hash AS "passwordHash" FROM users u
     WHERE lower(u.email) = lower($1) AND u.deleted_at IS NULL`,
    [email],
  );
  return rows[0];
}

/** The user linked to this account at the identity provider. */
export async function findUserByOAuthId(db: Queryable, oauthId: string): Promise<User | undefined> {
  if (oauthId === '') return undefined;
  const { rows } = await db.query<User>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.oauth_id = $1 AND u.deleted_at IS NULL`, [oauthId]);
  return rows[0];
}

/** Links a user to an account at the identity provider ('' unlinks). */
export async function setUserOAuthId(db: Queryable, userId: string, oauthId: string): Promise<User> {
  const { rows } = await db.query<User>(`UPDATE users u SET oauth_id = $2, updated_at = now() WHERE u.id = $1 RETURNING ${USER_COLUMNS}`, [userId, oauthId]);
  return rows[0]!;
}

/** Every user's link to the identity provider removed (the admin changed providers). */
export async function unlinkAllOAuthAccounts(db: Queryable): Promise<void> {
  await db.query(`UPDATE users SET oauth_id = '', updated_at = now() WHERE oauth_id <> ''`);
  await db.query('UPDATE sessions SET oauth_sid = NULL WHERE oauth_sid IS NOT NULL');
}

/** The user a session token belongs to, and the session as far as a use of it must know it. */
export async function userBySessionToken(
  db: Queryable,
  tokenHash: Buffer,
  now: Date,
): Promise<{ user: User; session: { id: string; updatedAt: Date; appVersion: string | null }; pinExpiresAt: Date | null } | undefined> {
  // Named: prepared once per connection, since every request authenticates.
  const { rows } = await db.query<User & { sessionId: string; sessionUpdatedAt: Date; appVersion: string | null; pinExpiresAt: Date | null }>({
    name: 'user-by-session-token',
    text: `SELECT ${USER_COLUMNS}, s.id AS "sessionId", s.updated_at AS "sessionUpdatedAt", s.app_version AS "appVersion",
       s.pin_expires_at AS "pinExpiresAt"
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND ${SESSION_VALID('$2::timestamptz')} AND u.deleted_at IS NULL`,
    values: [tokenHash, now],
  });
  const row = rows[0];
  if (!row) return undefined;
  const { sessionId, sessionUpdatedAt, appVersion, pinExpiresAt, ...user } = row;
  return { user, session: { id: sessionId, updatedAt: sessionUpdatedAt, appVersion }, pinExpiresAt };
}

export interface ApiKey {
  id: string;
  name: string;
  permissions: string[];
  createdAt: Date;
  updatedAt: Date;
}

const API_KEY_COLUMNS = 'k.id, k.name, k.permissions, k.created_at AS "createdAt", k.updated_at AS "updatedAt"';

export async function insertApiKey(db: Queryable, userId: string, name: string, keyHash: Buffer, permissions: string[]): Promise<ApiKey> {
  const { rows } = await db.query<ApiKey>(
    `INSERT INTO api_keys AS k (user_id, name, key_hash, permissions) VALUES ($1, $2, $3, $4::text[]) RETURNING ${API_KEY_COLUMNS}`,
    [userId, name, keyHash, permissions],
  );
  return rows[0]!;
}

export async function listApiKeys(db: Queryable, userId: string): Promise<ApiKey[]> {
  const { rows } = await db.query<ApiKey>(`SELECT ${API_KEY_COLUMNS} FROM api_keys k WHERE k.user_id = $1 ORDER BY k.created_at`, [userId]);
  return rows;
}

export async function getApiKey(db: Queryable, userId: string, id: string): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKey>(`SELECT ${API_KEY_COLUMNS} FROM api_keys k WHERE k.user_id = $1 AND k.id = $2`, [userId, id]);
  return rows[0];
}

/** Renames a key or changes what it may do; undefined when the user has no such key. */
export async function updateApiKey(db: Queryable, userId: string, id: string, change: { name?: string; permissions?: string[] }): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKey>(
    `UPDATE api_keys k SET name = coalesce($3, k.name), permissions = coalesce($4, k.permissions), updated_at = now()
     WHERE k.user_id = $1 AND k.id = $2 RETURNING ${API_KEY_COLUMNS}`,
    [userId, id, change.name ?? null, change.permissions ?? null],
  );
  return rows[0];
}

/** A key's secret replaced: the old one stops working at once. */
export async function rotateApiKey(db: Queryable, userId: string, id: string, keyHash: Buffer): Promise<ApiKey | undefined> {
  const { rows } = await db.query<ApiKey>(
    `UPDATE api_keys k SET key_hash = $3, updated_at = now() WHERE k.user_id = $1 AND k.id = $2 RETURNING ${API_KEY_COLUMNS}`,
    [userId, id, keyHash],
  );
  return rows[0];
}

export async function deleteApiKey(db: Queryable, userId: string, id: string): Promise<boolean> {
  const result = await db.query('DELETE FROM api_keys WHERE user_id = $1 AND id = $2', [userId, id]);
  return result.rowCount === 1;
}

export async function userByApiKey(db: Queryable, keyHash: Buffer): Promise<{ user: User; apiKey: ApiKey } | undefined> {
  const { rows } = await db.query<User & { apiKey: ApiKey }>({
    name: 'user-by-api-key',
    text: `SELECT ${USER_COLUMNS}, json_build_object('id', k.id, 'name', k.name, 'permissions', k.permissions,
       'createdAt', k.created_at, 'updatedAt', k.updated_at) AS "apiKey"
     FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1 AND u.deleted_at IS NULL`,
    values: [keyHash],
  });
  const row = rows[0];
  if (!row) return undefined;
  const { apiKey, ...user } = row;
  return { user, apiKey };
}

/**
 * SQL: the bytes of a user's quota in use (`owner` is the SQL for their id): their uploads, not
 * their external libraries' files (as in Immich). An upload counts from the moment it is
 * announced: Immich counts a file once it is received, and a presigned upload in flight holds
 * its size until it finishes or expires, so parallel uploads cannot pass the quota together.
 */
export const usedBytesSql = (owner: string) => `(SELECT coalesce(sum(file_size_bytes), 0) FROM assets WHERE owner_id = ${owner} AND library_id IS NULL)`;

export async function storageUsage(db: Queryable, userId: string): Promise<number> {
  const { rows } = await db.query<{ bytes: number }>(`SELECT ${usedBytesSql('$1')}::bigint AS bytes`, [userId]);
  return rows[0]!.bytes;
}

export async function listUsers(db: Queryable, withDeleted: boolean): Promise<User[]> {
  const { rows } = await db.query<User>(`SELECT ${USER_COLUMNS} FROM users u WHERE $1 OR u.deleted_at IS NULL ORDER BY u.created_at`, [withDeleted]);
  return rows;
}

export interface UserChange {
  email?: string;
  name?: string;
  passwordHash?: string;
  isAdmin?: boolean;
  shouldChangePassword?: boolean;
  quotaSizeBytes?: number | null;
  storageLabel?: string | null;
  avatarColor?: string | null;
}

/** Undefined when the user does not exist; throws on a taken e-mail (unique index). */
export async function updateUser(db: Queryable, id: string, change: UserChange): Promise<User | undefined> {
  const has = (k: keyof UserChange) => k in change && change[k] !== undefined;
  const { rows } = await db.query<User>(
    `UPDATE users u SET email = coalesce($2, email), name = coalesce($3, name), password_hash = coalesce($4, password_hash),
       is_admin = coalesce($5, is_admin), should_change_password = coalesce($6, should_change_password),
       quota_size_bytes = CASE WHEN $7 THEN $8 ELSE quota_size_bytes END,
       storage_label = CASE WHEN $9 THEN $10 ELSE storage_label END,
       avatar_color = CASE WHEN $11 THEN $12 ELSE avatar_color END, updated_at = now()
     WHERE u.id = $1 RETURNING ${USER_COLUMNS}`,
    [id, change.email ?? null, change.name ?? null, change.passwordHash ?? null, change.isAdmin ?? null, change.shouldChangePassword ?? null,
      'quotaSizeBytes' in change, change.quotaSizeBytes ?? null, 'storageLabel' in change, change.storageLabel ?? null,
      has('avatarColor'), change.avatarColor ?? null],
  );
  return rows[0];
}

/**
 * Soft delete: the user can no longer sign in and their sessions and keys stop working;
 * their files stay until the grace period ends (or at once with `removeNow`), then the
 * purge job removes them. Restorable until then.
 */
export async function markUserDeleted(db: Queryable, id: string, removeNow: boolean): Promise<User | undefined> {
  const { rows } = await db.query<User>(
    `UPDATE users u SET status = CASE WHEN $2 THEN 'removing' ELSE 'deleted' END, deleted_at = coalesce(deleted_at, now()), updated_at = now()
     WHERE u.id = $1 AND u.status <> 'removing' RETURNING ${USER_COLUMNS}`,
    [id, removeNow],
  );
  if (rows[0]) await db.query('DELETE FROM sessions WHERE user_id = $1', [id]);
  return rows[0];
}

export async function restoreUser(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<User>(
    `UPDATE users u SET status = 'active', deleted_at = NULL, updated_at = now() WHERE u.id = $1 AND u.status = 'deleted' RETURNING ${USER_COLUMNS}`,
    [id],
  );
  return rows[0];
}

/** Users whose grace period is over, or who were deleted with force. */
export async function usersToPurge(db: Queryable, deletedBefore: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM users WHERE status = 'removing' OR (status = 'deleted' AND deleted_at < $1)`,
    [deletedBefore],
  );
  return rows.map((r) => r.id);
}

export async function countActiveAdmins(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE is_admin AND deleted_at IS NULL`);
  return rows[0]!.n;
}

export interface UsageRow {
  userId: string;
  userName: string;
  quotaSizeInBytes: number | null;
  photos: number;
  videos: number;
  usage: number;
  usagePhotos: number;
  usageVideos: number;
}

/** Per-user counts and bytes of originals, for the admin's server statistics. */
export async function usageByUser(db: Queryable): Promise<UsageRow[]> {
  const { rows } = await db.query<UsageRow>(
    `SELECT u.id AS "userId", u.name AS "userName", u.quota_size_bytes AS "quotaSizeInBytes",
       count(a.id) FILTER (WHERE a.type = 'IMAGE')::int AS photos, count(a.id) FILTER (WHERE a.type = 'VIDEO')::int AS videos,
       coalesce(sum(a.file_size_bytes), 0)::bigint AS usage,
       coalesce(sum(a.file_size_bytes) FILTER (WHERE a.type = 'IMAGE'), 0)::bigint AS "usagePhotos",
       coalesce(sum(a.file_size_bytes) FILTER (WHERE a.type = 'VIDEO'), 0)::bigint AS "usageVideos"
     FROM users u LEFT JOIN assets a ON a.owner_id = u.id AND a.status <> 'uploading' AND a.library_id IS NULL
     WHERE u.deleted_at IS NULL GROUP BY u.id ORDER BY u.created_at`,
  );
  return rows;
}
