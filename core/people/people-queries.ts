import { BadRequest } from '../errors.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';

export interface Person {
  id: string;
  ownerId: string;
  name: string;
  birthDate: string | null;
  isHidden: boolean;
  isFavorite: boolean;
  color: string | null;
  faceId: string | null;
  faceCount: number;
  updatedAt: Date;
}

const PERSON = `SELECT p.id, p.owner_id AS "ownerId", p.name, to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate",
  p.is_hidden AS "isHidden", p.is_favorite AS "isFavorite", p.color, p.face_id AS "faceId", p.updated_at AS "updatedAt",
  (SELECT count(DISTINCT f.asset_id)::int FROM asset_faces f JOIN assets a ON a.id = f.asset_id
   WHERE f.person_id = p.id AND a.deleted_at IS NULL) AS "faceCount"
  FROM people p`;

/** A person is listed, and counted, by the faces they have in photos on the timeline (Immich's rule). */
const ON_TIMELINE = `a.deleted_at IS NULL AND a.visibility = 'timeline'`;

/**
 * The owner's people as Immich lists them: those with a face in a timeline photo, and of the
 * unnamed only those with at least `minFaces` faces; hidden last, favourites first, named before
 * unnamed, most faces first, then by name. `total` and `hidden` count everyone with a face.
 */
export async function listPeople(
  db: Queryable,
  ownerId: string,
  options: { withHidden: boolean; minFaces: number; page: number; size: number },
): Promise<{ people: Person[]; total: number; hidden: number; hasNextPage: boolean }> {
  const [{ rows }, counts] = await Promise.all([
    db.query<Person>(
      `WITH faces AS (
         SELECT f.person_id, count(*)::int AS n FROM asset_faces f JOIN assets a ON a.id = f.asset_id AND ${ON_TIMELINE}
         WHERE f.owner_id = $1 AND f.person_id IS NOT NULL GROUP BY f.person_id
       )
       SELECT x.* FROM (${PERSON} WHERE p.owner_id = $1) x JOIN faces ON faces.person_id = x.id
       WHERE (x.name <> '' OR faces.n >= $2) AND ($3 OR NOT x."isHidden")
       ORDER BY x."isHidden", x."isFavorite" DESC, (x.name = ''), faces.n DESC, NULLIF(x.name, '') NULLS LAST, x.id
       OFFSET $4 LIMIT $5`,
      [ownerId, options.minFaces, options.withHidden, (options.page - 1) * options.size, options.size + 1],
    ),
    db.query<{ total: number; hidden: number }>(
      `SELECT count(*)::int AS total, (count(*) FILTER (WHERE p.is_hidden))::int AS hidden FROM people p
       WHERE p.owner_id = $1 AND EXISTS (SELECT 1 FROM asset_faces f JOIN assets a ON a.id = f.asset_id AND ${ON_TIMELINE} WHERE f.person_id = p.id)`,
      [ownerId],
    ),
  ]);
  return { people: rows.slice(0, options.size), hasNextPage: rows.length > options.size, ...counts.rows[0]! };
}

/**
 * The owner's named people whose name, or a word of it, starts with `name` (Immich's person
 * search: "an" finds "Anna" and "Jo Anne"), whatever the case.
 */
export async function searchPeopleByName(db: Queryable, ownerId: string, name: string, withHidden: boolean): Promise<Person[]> {
  const prefix = name.normalize('NFC').replace(/[\\%_]/g, '\\$&');
  const { rows } = await db.query<Person>(
    `SELECT * FROM (${PERSON} WHERE p.owner_id = $1 AND p.name <> ''
       AND (normalize(p.name, NFC) ILIKE $2 || '%' OR normalize(p.name, NFC) ILIKE '% ' || $2 || '%') AND ($3 OR NOT p.is_hidden)) x
     ORDER BY "isFavorite" DESC, "faceCount" DESC, name, id LIMIT 100`,
    [ownerId, prefix, withHidden],
  );
  return rows;
}

/** The owner's people among these ids (faces of a photo name them); others' are left out. */
export async function getPeople(db: Queryable, ownerId: string, ids: string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return (await db.query<Person>(`${PERSON} WHERE p.id = ANY($1::uuid[]) AND p.owner_id = $2`, [ids, ownerId])).rows;
}

/** One of the owner's people; someone else's is "not found", not "forbidden". */
export async function requirePerson(db: Queryable, ownerId: string, id: string): Promise<Person> {
  const { rows } = await db.query<Person>(`${PERSON} WHERE p.id = $1 AND p.owner_id = $2`, [id, ownerId]);
  if (!rows[0]) throw new BadRequest('Not found or no person.read access');
  return rows[0];
}

export interface PersonChanges {
  name?: string;
  birthDate?: string | null;
  /** A hex colour; null clears it. */
  color?: string | null;
  isHidden?: boolean;
  isFavorite?: boolean;
  /** The asset whose face (of this person) becomes the cover. */
  featureFaceAssetId?: string;
}

export async function createPerson(db: Queryable, ownerId: string, changes: PersonChanges): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO people (owner_id, name, birth_date, is_hidden, is_favorite, color) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [ownerId, changes.name ?? '', changes.birthDate ?? null, changes.isHidden ?? false, changes.isFavorite ?? false, changes.color ?? null],
  );
  return rows[0]!.id;
}

export async function updatePerson(db: Queryable, ownerId: string, id: string, changes: PersonChanges): Promise<void> {
  await requirePerson(db, ownerId, id);
  let faceId: string | undefined;
  if (changes.featureFaceAssetId) {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM asset_faces WHERE person_id = $1 AND asset_id = $2 LIMIT 1', [id, changes.featureFaceAssetId]);
    if (!rows[0]) throw new BadRequest('That asset has no face of this person');
    faceId = rows[0].id;
  }
  await db.query(
    `UPDATE people SET name = coalesce($3, name),
       birth_date = CASE WHEN $4::boolean THEN $5::date ELSE birth_date END,
       is_hidden = coalesce($6, is_hidden), is_favorite = coalesce($7, is_favorite), face_id = coalesce($8, face_id),
       color = CASE WHEN $9::boolean THEN $10 ELSE color END, updated_at = now()
     WHERE id = $1 AND owner_id = $2`,
    [id, ownerId, changes.name ?? null, changes.birthDate !== undefined, changes.birthDate ?? null, changes.isHidden ?? null, changes.isFavorite ?? null, faceId ?? null, changes.color !== undefined, changes.color ?? null],
  );
}

/** Moves every face of `from` into `into` and removes `from`: nothing is lost. Per-id results. */
export async function mergePeople(db: Database, ownerId: string, into: string, from: string[]): Promise<Array<{ id: string; success: boolean; error?: string }>> {
  await requirePerson(db, ownerId, into);
  if (from.includes(into)) throw new BadRequest('Cannot merge a person into themselves');
  const results: Array<{ id: string; success: boolean; error?: string }> = [];
  for (const id of from) {
    const merged = await transaction(db, async (tx) => {
      const { rowCount } = await tx.query('SELECT 1 FROM people WHERE id = $1 AND owner_id = $2 FOR UPDATE', [id, ownerId]);
      if (!rowCount) return false;
      await tx.query('UPDATE asset_faces SET person_id = $1 WHERE person_id = $2', [into, id]);
      // What the kept person lacks it takes from the merged one (Immich's "smart merge").
      await tx.query(
        `UPDATE people p SET name = CASE WHEN p.name = '' THEN m.name ELSE p.name END, birth_date = coalesce(p.birth_date, m.birth_date)
         FROM people m WHERE p.id = $1 AND m.id = $2`,
        [into, id],
      );
      await tx.query('DELETE FROM people WHERE id = $1', [id]);
      await tx.query(`UPDATE people SET face_id = coalesce(face_id, (SELECT id FROM asset_faces WHERE person_id = $1 LIMIT 1)), updated_at = now() WHERE id = $1`, [into]);
      return true;
    });
    results.push(merged ? { id, success: true } : { id, success: false, error: 'not_found' });
  }
  return results;
}

/** A face moved by hand to another of the owner's people; re-clustering will leave it there. */
export async function reassignFace(db: Queryable, ownerId: string, faceId: string, personId: string): Promise<void> {
  await requirePerson(db, ownerId, personId);
  const { rowCount } = await db.query(
    `UPDATE asset_faces SET person_id = $3, source_type = 'manual' WHERE id = $1 AND owner_id = $2`,
    [faceId, ownerId, personId],
  );
  if (!rowCount) throw new BadRequest('Not found or no face.update access');
  await db.query(`UPDATE people SET face_id = $2, updated_at = now() WHERE id = $1 AND face_id IS NULL`, [personId, faceId]);
  // A person left without faces keeps its name, and loses its cover.
  await db.query(`UPDATE people p SET face_id = NULL WHERE p.owner_id = $1 AND p.face_id = $2 AND p.id <> $3`, [ownerId, faceId, personId]);
}

/**
 * Deletes people (all of them the owner's, else none); their faces stay, unnamed, for the next
 * clustering or a person to claim them.
 */
export async function deletePeople(db: Queryable, ownerId: string, ids: readonly string[]): Promise<void> {
  const unique = [...new Set(ids)];
  const { rows } = await db.query<{ id: string }>('SELECT id FROM people WHERE owner_id = $1 AND id = ANY($2::uuid[])', [ownerId, unique]);
  if (rows.length !== unique.length) throw new BadRequest('Not found or no person.delete access');
  await db.query('DELETE FROM people WHERE owner_id = $1 AND id = ANY($2::uuid[])', [ownerId, unique]);
}

/** Immich's reassign: the faces of `from.personId` in `from.assetId`, for each pair, become `personId`'s. */
export async function reassignFacesOf(db: Queryable, ownerId: string, personId: string, pairs: ReadonlyArray<{ assetId: string; personId: string }>): Promise<void> {
  await requirePerson(db, ownerId, personId);
  for (const pair of pairs) {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM asset_faces WHERE owner_id = $1 AND asset_id = $2 AND person_id = $3', [ownerId, pair.assetId, pair.personId]);
    for (const face of rows) await reassignFace(db, ownerId, face.id, personId);
  }
}

/** A face box drawn by hand, in the coordinates of an image `imageWidth` × `imageHeight` (what the client showed). */
export interface DrawnFace {
  assetId: string;
  personId: string;
  imageWidth: number;
  imageHeight: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Adds a face drawn by hand to a person. Its box is kept in the preview's pixels, as detected
 * faces are (the person's portrait is cut from the preview); the person gets it as their
 * portrait when they have none.
 */
export async function addDrawnFace(db: Queryable, ownerId: string, face: DrawnFace, preview: { width: number; height: number } | undefined): Promise<string> {
  const sx = preview ? preview.width / face.imageWidth : 1;
  const sy = preview ? preview.height / face.imageHeight : 1;
  const { rows } = await db.query<{ id: string }>(
    `WITH face AS (
       INSERT INTO asset_faces (asset_id, owner_id, person_id, image_width, image_height, x1, y1, x2, y2, score, model, source_type)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, 'manual', 'manual') RETURNING id
     ), cover AS (
       UPDATE people SET face_id = (SELECT id FROM face), updated_at = now() WHERE id = $3 AND face_id IS NULL
     )
     SELECT id FROM face`,
    [
      face.assetId,
      ownerId,
      face.personId,
      preview?.width ?? face.imageWidth,
      preview?.height ?? face.imageHeight,
      Math.round(face.x * sx),
      Math.round(face.y * sy),
      Math.round((face.x + face.width) * sx),
      Math.round((face.y + face.height) * sy),
    ],
  );
  return rows[0]!.id;
}

/** Deletes a face (a wrong detection); its person, if it was their cover, takes another. */
export async function deleteFace(db: Queryable, ownerId: string, faceId: string): Promise<void> {
  const { rows } = await db.query<{ personId: string | null }>('DELETE FROM asset_faces WHERE id = $1 AND owner_id = $2 RETURNING person_id AS "personId"', [faceId, ownerId]);
  if (!rows[0]) throw new BadRequest('Not found or no face.delete access');
  if (rows[0].personId) {
    await db.query(
      `UPDATE people SET face_id = coalesce(face_id, (SELECT id FROM asset_faces WHERE person_id = $1 ORDER BY score DESC LIMIT 1)), updated_at = now() WHERE id = $1`,
      [rows[0].personId],
    );
  }
}

export interface FaceRow {
  id: string;
  assetId: string;
  personId: string | null;
  imageWidth: number;
  imageHeight: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  score: number;
  sourceType: string;
}

const FACE = `SELECT id, asset_id AS "assetId", person_id AS "personId", image_width AS "imageWidth", image_height AS "imageHeight",
  x1, y1, x2, y2, score, source_type AS "sourceType" FROM asset_faces`;

export async function facesOfAsset(db: Queryable, assetId: string): Promise<FaceRow[]> {
  return (await db.query<FaceRow>(`${FACE} WHERE asset_id = $1 ORDER BY x1, y1`, [assetId])).rows;
}

export async function faceById(db: Queryable, faceId: string): Promise<FaceRow | undefined> {
  return (await db.query<FaceRow>(`${FACE} WHERE id = $1`, [faceId])).rows[0];
}
