import { randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';
import type { ObjectStore } from '../ports/object-store.js';

/** The largest picture accepted: a phone's full-size photo, as Immich's app sends it. */
export const PROFILE_IMAGE_MAX_BYTES = 25 * 1024 * 1024;
/** What a browser can show as an avatar; the file's own bytes decide, never its name. */
const TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/avif': 'avif' };

export interface ProfileImage {
  userId: string;
  profileImagePath: string;
  profileChangedAt: string;
}

/**
 * Stores a user's new profile picture as sent (Immich keeps the file too) and forgets the old
 * one. The user row points at the new file before the old file goes, so a crash leaves at worst
 * an unused file, never a user whose picture is gone.
 */
export async function saveProfileImage(db: Queryable, store: ObjectStore, userId: string, bytes: Buffer): Promise<ProfileImage> {
  const type = await fileTypeFromBuffer(bytes);
  const ext = type && TYPES[type.mime];
  if (!type || !ext) throw new BadRequest('A profile picture must be a JPEG, PNG, WebP, GIF or AVIF image');
  const key = `profile/${userId}/${randomUUID()}.${ext}`;
  await store.write(key, bytes, type.mime);
  const { rows } = await db.query<{ old: string | null; changedAt: Date }>(
    `UPDATE users u SET profile_image_key = $2, profile_changed_at = now(), updated_at = now()
     FROM (SELECT profile_image_key AS old FROM users WHERE id = $1) before
     WHERE u.id = $1 RETURNING before.old, u.profile_changed_at AS "changedAt"`,
    [userId, key],
  );
  if (rows[0]?.old) await store.delete(rows[0].old);
  return { userId, profileImagePath: key, profileChangedAt: rows[0]!.changedAt.toISOString() };
}

/** Removes a user's profile picture (the letter avatar comes back); nothing to remove is fine. */
export async function removeProfileImage(db: Queryable, store: ObjectStore, userId: string): Promise<void> {
  const { rows } = await db.query<{ old: string | null }>(
    `UPDATE users u SET profile_image_key = NULL, profile_changed_at = now(), updated_at = now()
     FROM (SELECT profile_image_key AS old FROM users WHERE id = $1) before
     WHERE u.id = $1 AND before.old IS NOT NULL RETURNING before.old`,
    [userId],
  );
  if (rows[0]?.old) await store.delete(rows[0].old);
}

/** Where a user's picture lies, and its type; undefined when they have none (or no such user). */
export async function profileImageOf(db: Queryable, userId: string): Promise<{ key: string; contentType: string } | undefined> {
  const { rows } = await db.query<{ key: string | null }>('SELECT profile_image_key AS key FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]);
  const key = rows[0]?.key;
  if (!key) return undefined;
  const ext = key.slice(key.lastIndexOf('.') + 1);
  return { key, contentType: Object.entries(TYPES).find(([, e]) => e === ext)?.[0] ?? 'application/octet-stream' };
}
