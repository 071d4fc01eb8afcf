import { randomUUID } from 'node:crypto';
import { transaction, type Database, type Queryable } from '../ports/database.js';

/**
 * Immich's duplicate detection, per asset: the owner's assets of the same type whose CLIP
 * vectors lie within `maxDistance` (cosine) of this one's — the same picture saved twice,
 * re-encoded, resized or stripped of its metadata — and, beyond Immich, the owner's assets
 * with the very same bytes (an upload and the same file in an external library, whose
 * vectors may not exist yet). They all join one group: the first existing group found, or a
 * new one; groups this asset bridges are merged into it. An asset with no neighbour left
 * leaves its group. Stacked, hidden, locked and trashed assets take no part.
 */
export interface DetectedDuplicates {
  /** The group the asset is in now, or null. */
  duplicateId: string | null;
  /** The assets whose group changed (the asset itself included when it did). */
  changed: string[];
}

/**
 * Neighbours looked at per asset; a larger group still forms, as each member's detection
 * adds its own neighbours. Few keep the index walk short (see bench/duplicates).
 */
const NEIGHBOURS = 16;

/** What may be in a duplicate group, over asset row `a` (Immich's rule: timeline or archive, unstacked, not trashed). */
const GROUPABLE = `a.status = 'ready' AND a.deleted_at IS NULL AND a.stack_id IS NULL AND a.visibility IN ('timeline', 'archive')`;

export async function detectDuplicates(db: Database, assetId: string, maxDistance: number): Promise<DetectedDuplicates> {
  // Few statements: on the embedded database each costs about a millisecond of its only thread.
  return transaction(db, async (tx) => {
    // One owner at a time, first: two new copies of one picture must not each start a group,
    // and what is read next must be what the owner's previous detection left.
    const { rows: [locked] } = await tx.query({
      name: 'duplicates-lock-owner',
      text: `SELECT pg_advisory_xact_lock(hashtext('duplicates:' || owner_id::text)),
          set_config('hnsw.ef_search', '${NEIGHBOURS * 4}', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)
        FROM assets WHERE id = $1`,
      values: [assetId],
    });
    if (!locked) return { duplicateId: null, changed: [] };
    const { rows: [asset] } = await tx.query<Subject>({
      name: 'duplicates-subject',
      text: `SELECT a.owner_id AS "ownerId", a.duplicate_id AS "duplicateId", (${GROUPABLE}) AS groupable, a.type, a.checksum,
          s.embedding::text AS embedding,
          (SELECT count(*)::int FROM (SELECT 1 FROM smart_search v JOIN assets o ON o.id = v.asset_id WHERE o.owner_id = a.owner_id LIMIT ${EXACT_UP_TO + 1}) n) AS vectors
        FROM assets a LEFT JOIN smart_search s ON s.asset_id = a.id WHERE a.id = $1`,
      values: [assetId],
    });
    const near = asset!.groupable ? await neighbours(tx, assetId, asset!, maxDistance) : [];
    if (near.length === 0) {
      if (!asset!.duplicateId) return { duplicateId: null, changed: [] };
      await tx.query('UPDATE assets SET duplicate_id = NULL, updated_at = now() WHERE id = $1', [assetId]);
      return { duplicateId: null, changed: [assetId] };
    }
    const groups = [...new Set(near.flatMap((n) => (n.duplicateId ? [n.duplicateId] : [])))];
    const target = asset!.duplicateId ?? groups[0] ?? randomUUID();
    const { rows } = await tx.query<{ id: string }>({
      name: 'duplicates-join-group',
      text: `UPDATE assets SET duplicate_id = $1, updated_at = now()
        WHERE (id = ANY($2::uuid[]) OR (owner_id = $3 AND duplicate_id = ANY($4::uuid[]))) AND duplicate_id IS DISTINCT FROM $1
        RETURNING id`,
      values: [target, [assetId, ...near.map((n) => n.id)], asset!.ownerId, groups.filter((g) => g !== target)],
    });
    return { duplicateId: target, changed: rows.map((r) => r.id) };
  });
}

/**
 * How the nearest vectors are found: exactly while the owner has few (exact, and HNSW can
 * miss neighbours among identical vectors, which copies are), through the HNSW index with an
 * iterative scan beyond that (the settings made in the owner's lock statement).
 */
const EXACT_UP_TO = 5000;

interface Subject {
  ownerId: string;
  duplicateId: string | null;
  groupable: boolean;
  type: string;
  checksum: Buffer | null;
  embedding: string | null;
  vectors: number;
}

/**
 * The owner's groupable assets near this one — by vector, and by the same bytes, in two
 * halves so each uses its own partial index (uploads' unique one, libraries' of 0010).
 */
async function neighbours(tx: Queryable, assetId: string, me: Subject, maxDistance: number): Promise<Array<{ id: string; duplicateId: string | null }>> {
  const sameBytes = `SELECT a.id, a.duplicate_id AS "duplicateId" FROM assets a
      WHERE a.owner_id = $2 AND a.checksum = $3 AND a.library_id IS NULL AND a.id <> $1 AND ${GROUPABLE}
    UNION
    SELECT a.id, a.duplicate_id FROM assets a
      WHERE a.owner_id = $2 AND a.checksum = $3 AND a.library_id IS NOT NULL AND a.id <> $1 AND ${GROUPABLE}`;
  if (!me.embedding) {
    if (!me.checksum) return [];
    return (await tx.query<{ id: string; duplicateId: string | null }>({ name: 'duplicates-same-bytes', text: sameBytes, values: [assetId, me.ownerId, me.checksum] })).rows;
  }
  const exact = me.vectors <= EXACT_UP_TO;
  // `+ 0` keeps the planner off the index: an exact scan.
  const distance = exact ? '((s.embedding <=> $5::vector) + 0)' : '(s.embedding <=> $5::vector)';
  const { rows } = await tx.query<{ id: string; duplicateId: string | null }>({
    name: exact ? 'duplicates-near-exact' : 'duplicates-near-index',
    text: `SELECT id, "duplicateId" FROM (
        SELECT a.id, a.duplicate_id AS "duplicateId", ${distance} AS distance
        FROM smart_search s JOIN assets a ON a.id = s.asset_id
        WHERE a.owner_id = $2 AND a.id <> $1 AND a.type = $6 AND ${GROUPABLE}
        ORDER BY ${distance} LIMIT ${NEIGHBOURS}
      ) n WHERE distance <= $4
      UNION
      -- Its group's members still within reach, measured exactly: an index walk that misses one
      -- must not break up a group found before.
      SELECT a.id, a.duplicate_id FROM smart_search s JOIN assets a ON a.id = s.asset_id
      WHERE a.owner_id = $2 AND a.duplicate_id = $7 AND a.id <> $1 AND ${GROUPABLE} AND (s.embedding <=> $5::vector) <= $4
      UNION
      ${sameBytes}`,
    values: [assetId, me.ownerId, me.checksum, maxDistance, me.embedding, me.type, me.duplicateId],
  });
  return rows;
}
