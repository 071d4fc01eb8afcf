import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { startTestDatabase, type TestDatabase } from '../../test/test-database.js';
import { ensureVectorSize, vectorLiteral } from '../ml/vector-columns.js';
import { reclusterFaces, recognizeNewFaces } from './recognize-faces.js';

const DIM = 16;
const SETTINGS = { enabled: true, modelName: 'test', minScore: 0.7, maxDistance: 0.5, minFaces: 3 };

/** A unit vector near `axis`: identities are axes, photos of one person are small wobbles around it. */
function faceOf(axis: number, wobble: number, seed: number): number[] {
  const v = Array.from({ length: DIM }, (_, i) => (i === axis ? 1 : 0) + wobble * Math.sin(seed * 12.9898 + i * 78.233));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('face clustering (Immich’s rules, on synthetic identities)', () => {
  let t: TestDatabase;
  let owner: string;
  let other: string;

  async function addFaces(user: string, vectors: number[][]): Promise<string[]> {
    const ids: string[] = [];
    const assets = await insertSyntheticAssets(t.db, user, vectors.map(() => ({ localDateTime: '2024-05-01T12:00:00' })));
    for (const [i, v] of vectors.entries()) {
      const asset = { id: assets[i]! };
      const { rows: [face] } = await t.db.query<{ id: string }>(
        `INSERT INTO asset_faces (asset_id, owner_id, image_width, image_height, x1, y1, x2, y2, score, model, embedding)
         VALUES ($1, $2, 100, 100, 0, 0, 10, 10, 0.9, 'test', $3) RETURNING id`,
        [asset.id, user, vectorLiteral(v)],
      );
      ids.push(face!.id);
    }
    return ids;
  }
  const personOf = async (faceId: string) => (await t.db.query<{ person_id: string | null }>('SELECT person_id FROM asset_faces WHERE id = $1', [faceId])).rows[0]!.person_id;
  const peopleCount = async (user: string) => Number((await t.db.query('SELECT count(*) FROM people WHERE owner_id = $1', [user])).rows[0].count);

  beforeAll(async () => {
    t = await startTestDatabase();
    await ensureVectorSize(t.db, 'asset_faces', DIM);
    const users = await t.db.query<{ id: string }>(
      `INSERT INTO users (email, name, password_hash) VALUES ('a@x', 'A', 'x'), ('b@x', 'B', 'x') RETURNING id`,
    );
    [owner, other] = users.rows.map((r) => r.id) as [string, string];
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM asset_faces');
    await t.db.query('DELETE FROM people');
  });

  it('makes one person per identity once each has minFaces, and none before', async () => {
    const a = await addFaces(owner, [0, 1].map((s) => faceOf(0, 0.1, s)));
    await recognizeNewFaces(t.db, a, SETTINGS);
    expect(await peopleCount(owner)).toBe(0); // two are not enough: unassigned, deferred
    const more = await addFaces(owner, [faceOf(0, 0.1, 2)]);
    await recognizeNewFaces(t.db, more, SETTINGS);
    expect(await peopleCount(owner)).toBe(1);
    const person = await personOf(more[0]!);
    for (const id of a) expect(await personOf(id)).toBe(person); // the deferred ones joined

    const b = await addFaces(owner, [3, 4, 5, 6].map((s) => faceOf(1, 0.1, s)));
    await recognizeNewFaces(t.db, b, SETTINGS);
    expect(await peopleCount(owner)).toBe(2);
    expect(await personOf(b[0]!)).not.toBe(person);
  });

  it('never merges two identities further apart than maxDistance, and never across owners', async () => {
    // Two people at cosine distance ~0.6 (> 0.5): close, but not the same.
    const mid = (t: number) => { const v = [Math.cos(t), Math.sin(t), ...Array(DIM - 2).fill(0)]; return v; };
    const a = await addFaces(owner, [0, 0.02, 0.04].map(mid));
    const b = await addFaces(owner, [1.16, 1.18, 1.2].map(mid));
    await recognizeNewFaces(t.db, [...a, ...b], SETTINGS);
    expect(await personOf(a[0]!)).not.toBe(await personOf(b[0]!));
    expect(await personOf(a[0]!)).not.toBeNull();
    // The same face vectors for another user: their own people, none shared.
    const theirs = await addFaces(other, [0, 0.02, 0.04].map(mid));
    await recognizeNewFaces(t.db, theirs, SETTINGS);
    const { rows } = await t.db.query('SELECT DISTINCT p.owner_id FROM asset_faces f JOIN people p ON p.id = f.person_id WHERE f.id = ANY($1)', [theirs]);
    expect(rows).toEqual([{ owner_id: other }]);
  });

  it('a late face between two people joins the nearer; an outlier stays alone', async () => {
    const a = await addFaces(owner, [0, 1, 2].map((s) => faceOf(0, 0.05, s)));
    const b = await addFaces(owner, [3, 4, 5].map((s) => faceOf(2, 0.05, s)));
    await recognizeNewFaces(t.db, [...a, ...b], SETTINGS);
    const leaning = faceOf(0, 0, 0).map((x, i) => x * 0.9 + (i === 2 ? 0.3 : 0));
    const [late] = await addFaces(owner, [leaning]);
    const [outlier] = await addFaces(owner, [faceOf(9, 0.05, 99)]);
    await recognizeNewFaces(t.db, [late!, outlier!], SETTINGS);
    expect(await personOf(late!)).toBe(await personOf(a[0]!));
    expect(await personOf(outlier!)).toBeNull();
  });

  it('re-clusters to the same groups, keeping named people and hand-placed faces (whose look-alikes follow them)', async () => {
    const a = await addFaces(owner, [0, 1, 2, 3].map((s) => faceOf(0, 0.1, s)));
    const b = await addFaces(owner, [4, 5, 6].map((s) => faceOf(1, 0.1, s)));
    await recognizeNewFaces(t.db, [...a, ...b], SETTINGS);
    const named = (await personOf(a[0]!))!;
    await t.db.query(`UPDATE people SET name = 'Ann' WHERE id = $1`, [named]);
    // A hand-made move: one of B's faces into Ann (the user knows better).
    await t.db.query(`UPDATE asset_faces SET person_id = $1, source_type = 'manual' WHERE id = $2`, [named, b[0]]);
    await reclusterFaces(t.db, owner, SETTINGS);
    for (const id of a) expect(await personOf(id)).toBe(named);
    expect(await personOf(b[0]!)).toBe(named);
    // B's other faces are nearest to the one the user placed: they follow it (Immich's rule).
    expect(await personOf(b[1]!)).toBe(named);
    expect(await peopleCount(owner)).toBe(1);
    // Without the hand-made move, re-clustering gives back the same two groups.
    await t.db.query(`UPDATE asset_faces SET person_id = NULL, source_type = 'machine-learning' WHERE id = ANY($1)`, [b]);
    await t.db.query(`UPDATE people SET name = '' WHERE id = $1`, [named]);
    await reclusterFaces(t.db, owner, SETTINGS);
    const groups = new Set(await Promise.all([...a, ...b].map(personOf)));
    expect(groups.size).toBe(2);
    expect(await personOf(a[1]!)).toBe(await personOf(a[3]!));
    expect(await personOf(b[0]!)).toBe(await personOf(b[2]!));
  });
});
