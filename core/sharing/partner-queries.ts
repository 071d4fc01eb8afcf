import type { Queryable } from '../ports/database.js';

export interface PartnerRow {
  id: string;
  email: string;
  name: string;
  avatarColor: string | null;
  profileChangedAt: Date;
  inTimeline: boolean;
}

const PARTNER_COLUMNS = `u.id, u.email, u.name, u.avatar_color AS "avatarColor", u.profile_changed_at AS "profileChangedAt", u.profile_image_key AS "profileImageKey", p.in_timeline AS "inTimeline"`;

/** 'shared-by': people I share my library with; 'shared-with': people who share theirs with me. */
export async function listPartners(db: Queryable, userId: string, direction: 'shared-by' | 'shared-with'): Promise<PartnerRow[]> {
  const [mine, theirs] = direction === 'shared-by' ? ['shared_by_id', 'shared_with_id'] : ['shared_with_id', 'shared_by_id'];
  const { rows } = await db.query<PartnerRow>(
    `SELECT ${PARTNER_COLUMNS} FROM partners p JOIN users u ON u.id = p.${theirs}
     WHERE p.${mine} = $1 AND u.deleted_at IS NULL ORDER BY u.name`,
    [userId],
  );
  return rows;
}

/**
 * Starts sharing: the new partner, `exists` when already shared with them (Immich refuses it),
 * or undefined when there is no such user.
 */
export async function insertPartner(db: Queryable, sharedById: string, sharedWithId: string): Promise<PartnerRow | 'exists' | undefined> {
  const { rows } = await db.query<PartnerRow & { inserted: boolean }>(
    `WITH created AS (
       INSERT INTO partners (shared_by_id, shared_with_id) SELECT $1, id FROM users WHERE id = $2 AND deleted_at IS NULL
       ON CONFLICT (shared_by_id, shared_with_id) DO NOTHING RETURNING *
     )
     SELECT ${PARTNER_COLUMNS}, true AS inserted FROM created p JOIN users u ON u.id = p.shared_with_id
     UNION ALL
     SELECT ${PARTNER_COLUMNS}, false FROM partners p JOIN users u ON u.id = p.shared_with_id
     WHERE p.shared_by_id = $1 AND p.shared_with_id = $2 AND NOT EXISTS (SELECT 1 FROM created)`,
    [sharedById, sharedWithId],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (!row.inserted) return 'exists';
  const { inserted: _, ...partner } = row;
  return partner;
}

/** The receiving side chooses whether the partner's photos show in their timeline. */
export async function setPartnerInTimeline(db: Queryable, sharedById: string, sharedWithId: string, inTimeline: boolean): Promise<PartnerRow | undefined> {
  const { rows } = await db.query<PartnerRow>(
    `WITH p AS (
       UPDATE partners SET in_timeline = $3 WHERE shared_by_id = $1 AND shared_with_id = $2 RETURNING *
     )
     SELECT ${PARTNER_COLUMNS} FROM p JOIN users u ON u.id = p.shared_by_id`,
    [sharedById, sharedWithId, inTimeline],
  );
  return rows[0];
}

export async function deletePartner(db: Queryable, sharedById: string, sharedWithId: string): Promise<boolean> {
  const result = await db.query('DELETE FROM partners WHERE shared_by_id = $1 AND shared_with_id = $2', [sharedById, sharedWithId]);
  return result.rowCount === 1;
}
