import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertSyntheticAssets, type SyntheticAsset } from '../../test/synthetic-assets.js';
import { startTestDatabase, type TestDatabase } from '../../test/test-database.js';
import { ensureVectorSize, vectorLiteral } from '../ml/vector-columns.js';
import { detectDuplicates } from './duplicate-detection.js';
import { listDuplicateGroups } from './duplicate-groups.js';

const DIM = 16;
const MAX = 0.01;

/** A unit vector at angle `t` (radians) from axis 0 towards axis 1: cosine distance 1 - cos(Δt) between two. */
const at = (t: number, axis = 0) => {
  const v = Array<number>(DIM).fill(0);
  v[axis] = Math.cos(t);
  v[axis + 1] = Math.sin(t);
  return v;
};
// Distance 0.005 is Δt ≈ 0.1 rad; 0.02 is Δt ≈ 0.2 rad.

describe('duplicate detection (Immich’s rule over real pgvector, plus same bytes)', () => {
  let t: TestDatabase;
  let owner: string;
  let other: string;

  async function add(user: string, vectors: Array<number[] | null>, extra: Partial<SyntheticAsset> = {}): Promise<string[]> {
    const ids = await insertSyntheticAssets(t.db, user, vectors.map(() => ({ localDateTime: '2024-05-01T12:00:00', ...extra })));
    for (const [i, v] of vectors.entries()) {
      if (v) await t.db.query(`INSERT INTO smart_search (asset_id, model, embedding) VALUES ($1, 'test', $2)`, [ids[i], vectorLiteral(v)]);
    }
    return ids;
  }
  const groupOf = async (id: string) => (await t.db.query<{ d: string | null }>('SELECT duplicate_id AS d FROM assets WHERE id = $1', [id])).rows[0]!.d;
  const detectAll = async (ids: string[]) => {
    for (const id of ids) await detectDuplicates(t.db, id, MAX);
  };

  beforeAll(async () => {
    t = await startTestDatabase();
    await ensureVectorSize(t.db, 'smart_search', DIM);
    const users = await t.db.query<{ id: string }>(`INSERT INTO users (email, name, password_hash) VALUES ('a@x', 'A', 'x'), ('b@x', 'B', 'x') RETURNING id`);
    [owner, other] = users.rows.map((r) => r.id) as [string, string];
  });
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t.db.query('DELETE FROM assets');
  });

  it('groups copies within maxDistance and nothing further, whatever order they are detected in', async () => {
    const [a, b, c, far] = await add(owner, [at(0), at(0.05), at(0.1), at(0.3)]);
    await detectAll([far!, c!, a!, b!]);
    const group = await groupOf(a!);
    expect(group).not.toBeNull();
    expect(await groupOf(b!)).toBe(group);
    expect(await groupOf(c!)).toBe(group); // 0.1 from a is 1 - cos(0.1) = 0.005 ≤ 0.01
    expect(await groupOf(far!)).toBeNull(); // 1 - cos(0.2) = 0.02 from c
    expect(await listDuplicateGroups(t.db, owner)).toEqual([{ duplicateId: group, assetIds: expect.arrayContaining([a, b, c]) }]);
  });

  it('is idempotent: detecting again changes nothing', async () => {
    const [a, b] = await add(owner, [at(0), at(0.01)]);
    const first = await detectDuplicates(t.db, a!, MAX);
    expect(first.changed.sort()).toEqual([a, b].sort());
    const again = await detectDuplicates(t.db, a!, MAX);
    expect(again).toEqual({ duplicateId: first.duplicateId, changed: [] });
    expect((await detectDuplicates(t.db, b!, MAX)).changed).toEqual([]);
  });

  it('merges two groups an asset bridges into one', async () => {
    // x is within reach of both, which are out of reach of each other (1 - cos(0.18) ≈ 0.016).
    const [left, right, x] = await add(owner, [at(0), at(0.18), at(0.09)]);
    await t.db.query(`UPDATE assets SET duplicate_id = gen_random_uuid() WHERE id = ANY($1::uuid[])`, [[left, right]]);
    expect(await groupOf(left!)).not.toBe(await groupOf(right!));
    await detectDuplicates(t.db, x!, MAX);
    const group = await groupOf(x!);
    expect(await groupOf(left!)).toBe(group);
    expect(await groupOf(right!)).toBe(group);
  });

  it('never groups across owners, types, or with stacked, hidden, locked or trashed assets', async () => {
    const [mine] = await add(owner, [at(0)]);
    await add(other, [at(0)]);
    await add(owner, [at(0)], { type: 'VIDEO' });
    for (const visibility of ['hidden', 'locked'] as const) await add(owner, [at(0)], { visibility });
    const [trashed, stacked] = await add(owner, [at(0), at(0)]);
    await t.db.query('UPDATE assets SET deleted_at = now() WHERE id = $1', [trashed]);
    const { rows: [stack] } = await t.db.query<{ id: string }>('INSERT INTO stacks (owner_id, primary_asset_id) VALUES ($1, $2) RETURNING id', [owner, stacked]);
    await t.db.query('UPDATE assets SET stack_id = $1 WHERE id = $2', [stack!.id, stacked]);
    expect(await detectDuplicates(t.db, mine!, MAX)).toEqual({ duplicateId: null, changed: [] });
    // And a locked asset itself is never put in a group.
    const [locked] = await add(owner, [at(0)], { visibility: 'locked' });
    const [twin] = await add(owner, [at(0)]);
    expect((await detectDuplicates(t.db, locked!, MAX)).duplicateId).toBeNull();
    expect(await detectDuplicates(t.db, twin!, MAX)).toMatchObject({ changed: expect.arrayContaining([mine, twin]) });
    expect(await groupOf(locked!)).toBeNull();
  });

  it('groups the same bytes without vectors (an upload and the same file in an external library)', async () => {
    const [upload] = await add(owner, [null]);
    const { rows: [library] } = await t.db.query<{ id: string }>(
      `INSERT INTO libraries (owner_id, name, import_paths) VALUES ($1, 'NAS', ARRAY['/photos']) RETURNING id`,
      [owner],
    );
    const [copy] = await add(owner, [null]);
    await t.db.query('UPDATE assets SET library_id = $1, checksum = (SELECT checksum FROM assets WHERE id = $2) WHERE id = $3', [library!.id, upload, copy]);
    const found = await detectDuplicates(t.db, copy!, MAX);
    expect(found.changed.sort()).toEqual([upload, copy].sort());
  });

  it('takes an asset out of its group once nothing is near it any more', async () => {
    const [a, b] = await add(owner, [at(0), at(0.01)]);
    await detectAll([a!]);
    await t.db.query(`UPDATE smart_search SET embedding = $2 WHERE asset_id = $1`, [b, vectorLiteral(at(1))]);
    expect(await detectDuplicates(t.db, b!, MAX)).toEqual({ duplicateId: null, changed: [b] });
    // a is alone in its group now: the listing dissolves it.
    expect(await listDuplicateGroups(t.db, owner)).toEqual([]);
    expect(await groupOf(a!)).toBeNull();
  });
});
