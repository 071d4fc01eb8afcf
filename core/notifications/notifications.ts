import { z } from 'zod';
import type { Queryable } from '../ports/database.js';
import { addLiveNotice } from '../sync/live-events.js';

export const NOTIFICATION_LEVELS = ['success', 'error', 'warning', 'info'] as const;
export const NOTIFICATION_TYPES = ['JobFailed', 'BackupFailed', 'SystemMessage', 'AlbumInvite', 'AlbumUpdate', 'ClusterGroupRequest', 'Custom'] as const;

const When = z.iso.datetime({ offset: true }).nullable().optional();
/** Immich's NotificationCreateDto (an admin's message to one user). */
export const NotificationCreate = z.object({
  userId: z.uuid(),
  title: z.string().trim().min(1).max(1000),
  description: z.string().max(10_000).nullable().optional(),
  level: z.enum(NOTIFICATION_LEVELS).optional(),
  type: z.enum(NOTIFICATION_TYPES).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  readAt: When,
});
/** Immich's NotificationSearchDto (query string). */
export const NotificationSearch = z.object({
  id: z.uuid().optional(),
  level: z.enum(NOTIFICATION_LEVELS).optional(),
  type: z.enum(NOTIFICATION_TYPES).optional(),
  unread: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const NotificationUpdate = z.object({ readAt: When });
export const NotificationUpdateAll = z.object({ ids: z.array(z.uuid()).max(1000), readAt: When });
export const NotificationDeleteAll = z.object({ ids: z.array(z.uuid()).max(1000) });

interface NotificationRow {
  id: string;
  level: string;
  type: string;
  title: string;
  description: string | null;
  data: Record<string, unknown> | null;
  readAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `n.id, n.level, n.type, n.title, n.description, n.data, n.read_at AS "readAt", n.created_at AS "createdAt"`;

/** Immich's NotificationDto: optional fields left out when empty. */
export function notificationDto(n: NotificationRow) {
  return {
    id: n.id,
    createdAt: n.createdAt.toISOString(),
    level: n.level,
    type: n.type,
    title: n.title,
    ...(n.description ? { description: n.description } : {}),
    ...(n.data ? { data: n.data } : {}),
    ...(n.readAt ? { readAt: n.readAt.toISOString() } : {}),
  };
}

/** A notification for a user; their open clients hear of it at once (Immich's on_notification). */
export async function createNotification(db: Queryable, n: z.infer<typeof NotificationCreate>) {
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notifications AS n (user_id, level, type, title, description, data, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${COLUMNS}`,
    [n.userId, n.level ?? 'info', n.type ?? 'Custom', n.title, n.description ?? null, n.data === undefined ? null : JSON.stringify(n.data), n.readAt ?? null],
  );
  const dto = notificationDto(rows[0]!);
  await addLiveNotice(db, 'on_notification', [n.userId], dto);
  return dto;
}

/** A user's notifications, newest first. */
export async function searchNotifications(db: Queryable, userId: string, q: z.infer<typeof NotificationSearch>) {
  const { rows } = await db.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM notifications n
     WHERE n.user_id = $1 AND n.deleted_at IS NULL AND ($2::uuid IS NULL OR n.id = $2) AND ($3::text IS NULL OR n.level = $3)
       AND ($4::text IS NULL OR n.type = $4) AND (NOT $5 OR n.read_at IS NULL)
     ORDER BY n.created_at DESC, n.id LIMIT 1000`,
    [userId, q.id ?? null, q.level ?? null, q.type ?? null, q.unread === true],
  );
  return rows.map(notificationDto);
}

export async function getNotification(db: Queryable, id: string) {
  const { rows } = await db.query<NotificationRow>(`SELECT ${COLUMNS} FROM notifications n WHERE n.id = $1 AND n.deleted_at IS NULL`, [id]);
  return rows[0] && notificationDto(rows[0]);
}

/** Marks notifications read (a time) or unread (null); the caller has checked they are the requester's. */
export async function markNotifications(db: Queryable, ids: readonly string[], readAt: string | null | undefined) {
  if (readAt === undefined) return;
  await db.query('UPDATE notifications SET read_at = $2, updated_at = now() WHERE id = ANY($1::uuid[])', [ids, readAt]);
}

export async function deleteNotifications(db: Queryable, ids: readonly string[]) {
  await db.query('UPDATE notifications SET deleted_at = now(), updated_at = now() WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL', [ids]);
}

/** Immich's clean-up: deleted ones after 3 days, read ones after 15, unread ones after 30. */
export async function pruneNotifications(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM notifications WHERE (deleted_at IS NOT NULL AND deleted_at < $1::timestamptz - interval '3 days')
       OR (read_at IS NOT NULL AND created_at < $1::timestamptz - interval '15 days')
       OR (read_at IS NULL AND created_at < $1::timestamptz - interval '30 days')`,
    [now],
  );
  return rowCount ?? 0;
}

/** The same notification for every admin. */
export async function notifyAdmins(db: Queryable, n: Omit<z.infer<typeof NotificationCreate>, 'userId'>): Promise<void> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM users WHERE is_admin AND deleted_at IS NULL');
  for (const admin of rows) await createNotification(db, { ...n, userId: admin.id });
}

/** Immich's in-app album invitation, for each user newly added to an album. */
export async function notifyAlbumInvite(db: Queryable, album: { id: string; name: string }, senderName: string, userIds: readonly string[]): Promise<void> {
  for (const userId of userIds) {
    await createNotification(db, {
      userId,
      type: 'AlbumInvite',
      level: 'success',
      title: 'Shared Album Invitation',
      description: `${senderName} shared an album (${album.name}) with you`,
      data: { albumId: album.id },
    });
  }
}
