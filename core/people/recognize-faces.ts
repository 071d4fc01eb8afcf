import type { MachineLearningSettings } from '../ml/ml-settings.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';

type FaceSettings = MachineLearningSettings['facialRecognition'];

/**
 * Immich's incremental clustering, per face: its nearest faces of the same owner within
 * maxDistance (itself included) are looked up. A match already in a person brings the face
 * into that person (else the nearest person within maxDistance does); with no person near,
 * a face with at least minFaces neighbours is a core point and starts a new person; the
 * rest stay unassigned and are tried again when a new face lands near them.
 */
export async function recognizeFace(db: Database, faceId: string, s: FaceSettings): Promise<string | null> {
  return transaction(db, async (tx) => {
    // One owner's clustering at a time: two new faces must not both start a person.
    const { rows: [face] } = await tx.query<{ owner_id: string; person_id: string | null }>(
      'SELECT owner_id, person_id FROM asset_faces WHERE id = $1 FOR UPDATE',
      [faceId],
    );
    if (!face) return null;
    if (face.person_id) return face.person_id;
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`faces:${face.owner_id}`]);
    const distance = await distanceExpression(tx, face.owner_id, s.minFaces);
    const { rows: near } = await tx.query<{ id: string; person_id: string | null }>(
      `WITH me AS (SELECT embedding FROM asset_faces WHERE id = $1)
       SELECT * FROM (
         SELECT f.id, f.person_id, ${distance} AS distance
         FROM asset_faces f JOIN assets a ON a.id = f.asset_id, me
         WHERE f.owner_id = $2 AND a.deleted_at IS NULL
         ORDER BY ${distance} LIMIT $3
       ) n WHERE distance <= $4`,
      [faceId, face.owner_id, Math.max(s.minFaces, 1), s.maxDistance],
    );
    let personId = near.find((n) => n.person_id)?.person_id ?? (await nearestPerson(tx, faceId, face.owner_id, s.maxDistance, distance));
    if (!personId && near.length >= s.minFaces) {
      const { rows } = await tx.query<{ id: string }>('INSERT INTO people (owner_id, face_id) VALUES ($1, $2) RETURNING id', [face.owner_id, faceId]);
      personId = rows[0]!.id;
    }
    if (personId) await tx.query('UPDATE asset_faces SET person_id = $2 WHERE id = $1', [faceId, personId]);
    return personId ?? null;
  });
}

/**
 * How the nearest faces are found: exactly while an owner has few faces (cheap, and exact —
 * HNSW can miss neighbours among identical vectors, which duplicate photos make), through
 * the HNSW index with an iterative scan beyond that.
 */
const EXACT_UP_TO = 5000;

async function distanceExpression(tx: Queryable, ownerId: string, minFaces: number): Promise<string> {
  const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM asset_faces WHERE owner_id = $1 LIMIT $2) f', [ownerId, EXACT_UP_TO + 1]);
  if (rows[0]!.n <= EXACT_UP_TO) return '((f.embedding <=> me.embedding) + 0)';
  await tx.query(`SET LOCAL hnsw.ef_search = ${Math.max(40, minFaces * 4)}`);
  await tx.query(`SET LOCAL hnsw.iterative_scan = relaxed_order`);
  return '(f.embedding <=> me.embedding)';
}

async function nearestPerson(tx: Queryable, faceId: string, ownerId: string, maxDistance: number, distance: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ person_id: string }>(
    `WITH me AS (SELECT embedding FROM asset_faces WHERE id = $1)
     SELECT person_id FROM (
       SELECT f.person_id, ${distance} AS distance FROM asset_faces f, me
       WHERE f.owner_id = $2 AND f.person_id IS NOT NULL ORDER BY ${distance} LIMIT 1
     ) n WHERE distance <= $3`,
    [faceId, ownerId, maxDistance],
  );
  return rows[0]?.person_id;
}

/**
 * Recognises new faces, then gives the owner's unassigned faces near them another try: a
 * face that had too few neighbours may have enough now.
 */
export async function recognizeNewFaces(db: Database, faceIds: string[], s: FaceSettings): Promise<void> {
  for (const id of faceIds) await recognizeFace(db, id, s);
  if (faceIds.length === 0) return;
  const { rows } = await db.query<{ id: string }>(
    `SELECT DISTINCT u.id FROM asset_faces n
     JOIN asset_faces u ON u.owner_id = n.owner_id AND u.person_id IS NULL AND u.id <> n.id
     WHERE n.id = ANY($1::uuid[]) AND (u.embedding <=> n.embedding) <= $2`,
    [faceIds, s.maxDistance],
  );
  for (const { id } of rows) await recognizeFace(db, id, s);
}

/**
 * The full re-cluster: people nobody named are dissolved and every face not in a named
 * person is recognised again, in order (so they may also join named people). What a user
 * decided stays: named people keep their faces, and faces moved by hand keep their person.
 */
export async function reclusterFaces(db: Database, ownerId: string, s: FaceSettings): Promise<number> {
  await transaction(db, async (tx) => {
    await tx.query(
      `UPDATE asset_faces f SET person_id = NULL FROM people p
       WHERE p.id = f.person_id AND f.owner_id = $1 AND f.source_type = 'machine-learning' AND p.name = ''`,
      [ownerId],
    );
    await tx.query(
      `DELETE FROM people p WHERE p.owner_id = $1 AND p.name = '' AND NOT EXISTS (SELECT 1 FROM asset_faces f WHERE f.person_id = p.id)`,
      [ownerId],
    );
  });
  const { rows } = await db.query<{ id: string }>('SELECT id FROM asset_faces WHERE owner_id = $1 AND person_id IS NULL ORDER BY created_at, id', [ownerId]);
  for (const { id } of rows) await recognizeFace(db, id, s);
  // A second pass: faces seen before their neighbours existed.
  const { rows: left } = await db.query<{ id: string }>('SELECT id FROM asset_faces WHERE owner_id = $1 AND person_id IS NULL ORDER BY created_at, id', [ownerId]);
  for (const { id } of left) await recognizeFace(db, id, s);
  return rows.length;
}
