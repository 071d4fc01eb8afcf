import type { Queryable } from '../ports/database.js';

export interface UploadSession {
  assetId: string;
  ownerId: string;
  objectKey: string;
  expectedSize: number;
  multipartUploadId: string | null;
  partSize: number | null;
  partCount: number | null;
  createdAt: Date;
  expiresAt: Date;
}

const COLUMNS = `asset_id AS "assetId", owner_id AS "ownerId", object_key AS "objectKey", expected_size AS "expectedSize",
  multipart_upload_id AS "multipartUploadId", part_size AS "partSize", part_count AS "partCount",
  created_at AS "createdAt", expires_at AS "expiresAt"`;

export async function insertUploadSession(db: Queryable, s: Omit<UploadSession, 'createdAt'>): Promise<void> {
  await db.query(
    `INSERT INTO upload_sessions (asset_id, owner_id, object_key, expected_size, multipart_upload_id, part_size, part_count, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (asset_id) DO UPDATE SET multipart_upload_id = excluded.multipart_upload_id, part_size = excluded.part_size,
       part_count = excluded.part_count, expires_at = excluded.expires_at`,
    [s.assetId, s.ownerId, s.objectKey, s.expectedSize, s.multipartUploadId, s.partSize, s.partCount, s.expiresAt],
  );
}

export async function getUploadSession(db: Queryable, assetId: string): Promise<UploadSession | undefined> {
  const { rows } = await db.query<UploadSession>(`SELECT ${COLUMNS} FROM upload_sessions WHERE asset_id = $1`, [assetId]);
  return rows[0];
}

export async function deleteUploadSession(db: Queryable, assetId: string): Promise<void> {
  await db.query('DELETE FROM upload_sessions WHERE asset_id = $1', [assetId]);
}

export async function expiredUploadSessions(db: Queryable, now: Date, limit: number): Promise<UploadSession[]> {
  const { rows } = await db.query<UploadSession>(
    `SELECT ${COLUMNS} FROM upload_sessions WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [now, limit],
  );
  return rows;
}
