import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * Stacks as Immich's clients use them (immich-go stacks RAW+JPEG pairs and bursts with
 * `POST /stacks`; the app syncs them as StacksV1): create, merge, primary, take out, unstack —
 * the owner only, every other role refused and nothing half-done — and the phone hears each
 * change through the sync stream, the partner's phone too.
 */
describe('stacks', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let ada: TestUser;
  let bea: TestUser;
  const expectShape = (value: unknown, type: string) => expect(immichShapeProblems(value, type), type).toEqual([]);
  const photos = async (owner: TestUser, n: number) =>
    insertSyntheticAssets(runtime.ports.db, owner.id, Array.from({ length: n }, (_, i) => ({ localDateTime: `2025-03-0${i + 1}T09:00:00`, latitude: 38.7, longitude: -9.1, city: 'Lisboa' })));
  const stackCount = async () => Number((await runtime.ports.db.query<{ n: string }>('SELECT count(*) AS n FROM stacks')).rows[0]!.n);

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.21' });
    api = apiClient(`http://127.0.0.21:${runtime.port}`);
    ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(ada, 'bea@example.com');
    // Bea sees Ada's library (a partner), yet Ada's stacks stay Ada's to change.
    expect((await api.call('POST', '/partners', { key: ada.apiKey, body: { sharedWithId: bea.id } })).status).toBe(201);
  });
  afterAll(() => runtime?.close());

  it('stacks assets with the first as primary, and merges stacks they were already in', async () => {
    const [a1, a2, a3] = await photos(ada, 3);
    const created = await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [a1, a2] } });
    expect(created.status).toBe(201);
    expectShape(created.body, 'StackResponseDto');
    expect(created.body).toEqual({ id: expect.any(String), primaryAssetId: a1, assets: [expect.objectContaining({ id: a1 }), expect.objectContaining({ id: a2 })] });
    for (const asset of created.body.assets) expectShape(asset, 'AssetResponseDto');
    const before = await stackCount();
    const merged = await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [a1, a3] } });
    expect(merged.status).toBe(201);
    expect(merged.body.primaryAssetId).toBe(a1);
    expect(merged.body.assets.map((a: Json) => a.id).sort()).toEqual([a1, a2, a3].sort());
    expect(await stackCount()).toBe(before);
    // Every asset says which stack it is in and how big it is, primary or not.
    for (const id of [a1, a3]) {
      const asset = await api.call<Json>('GET', `/assets/${id}`, { key: ada.apiKey });
      expect(asset.body.stack).toEqual({ id: merged.body.id, primaryAssetId: a1, assetCount: 3 });
      expectShape(asset.body.stack, 'AssetStackResponseDto');
    }
    const listed = await api.call<Json[]>('GET', `/stacks?primaryAssetId=${a1}`, { key: ada.apiKey });
    expect(listed.body.map((s) => s.id)).toEqual([merged.body.id]);
    const one = await api.call<Json>('GET', `/stacks/${merged.body.id}`, { key: ada.apiKey });
    expect(one.body.assets.every((a: Json) => a.exifInfo && a.exifInfo.city === 'Lisboa')).toBe(true);
  });

  it('refuses what Immich refuses, and changes nothing when it does', async () => {
    const [mine, mine2] = await photos(ada, 2);
    const [beas] = await photos(bea, 1);
    const before = await stackCount();
    const refused: [string | undefined, unknown, number][] = [
      [undefined, { assetIds: [mine, mine2] }, 401],
      [ada.apiKey, { assetIds: [mine] }, 400],
      [ada.apiKey, { assetIds: ['not-a-uuid', 'nor-this'] }, 400],
      [ada.apiKey, { assetIds: 'nope' }, 400],
      [ada.apiKey, { assetIds: [mine, beas] }, 400],
      // A partner sees Ada's photos but may not stack them.
      [bea.apiKey, { assetIds: [mine, mine2] }, 400],
    ];
    for (const [key, body, status] of refused) {
      expect((await api.call('POST', '/stacks', { key, body })).status, JSON.stringify(body)).toBe(status);
    }
    expect(await stackCount()).toBe(before);
    const limited = (await api.call<Json>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'read only', permissions: ['asset.read'] } })).body.secret as string;
    expect((await api.call('POST', '/stacks', { key: limited, body: { assetIds: [mine, mine2] } })).status).toBe(403);
    expect((await api.call('GET', '/stacks', { key: limited })).status).toBe(403);
    expect(await stackCount()).toBe(before);
  });

  it('changes the primary, takes assets out, and unstacks — for the owner only', async () => {
    const [p, q, r] = await photos(ada, 3);
    const [outsider] = await photos(ada, 1);
    const stack = (await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [p, q, r] } })).body;
    for (const key of [bea.apiKey, undefined]) {
      expect((await api.call('GET', `/stacks/${stack.id}`, { key })).status).toBeGreaterThanOrEqual(400);
      expect((await api.call('PUT', `/stacks/${stack.id}`, { key, body: { primaryAssetId: q } })).status).toBeGreaterThanOrEqual(400);
      expect((await api.call('DELETE', `/stacks/${stack.id}`, { key })).status).toBeGreaterThanOrEqual(400);
      expect((await api.call('DELETE', `/stacks/${stack.id}/assets/${r}`, { key })).status).toBeGreaterThanOrEqual(400);
      expect((await api.call('DELETE', '/stacks', { key, body: { ids: [stack.id] } })).status).toBeGreaterThanOrEqual(400);
    }
    expect((await api.call<Json>('GET', `/stacks/${stack.id}`, { key: ada.apiKey })).body.assets).toHaveLength(3);

    const notMember = await api.call<Json>('PUT', `/stacks/${stack.id}`, { key: ada.apiKey, body: { primaryAssetId: outsider } });
    expect(notMember.status).toBe(400);
    expect(notMember.body.message).toBe('Primary asset must be in the stack');
    const moved = await api.call<Json>('PUT', `/stacks/${stack.id}`, { key: ada.apiKey, body: { primaryAssetId: q } });
    expect(moved.body.primaryAssetId).toBe(q);
    expect(moved.body.assets[0].id).toBe(q);

    const primary = await api.call<Json>('DELETE', `/stacks/${stack.id}/assets/${q}`, { key: ada.apiKey });
    expect([primary.status, primary.body.message]).toEqual([400, "Cannot remove stack's primary asset"]);
    expect((await api.call<Json>('DELETE', `/stacks/${stack.id}/assets/${outsider}`, { key: ada.apiKey })).body.message).toBe('Asset not in stack');
    expect((await api.call('DELETE', `/stacks/${stack.id}/assets/${r}`, { key: ada.apiKey })).status).toBe(204);
    expect((await api.call<Json>('GET', `/assets/${r}`, { key: ada.apiKey })).body.stack).toBeNull();
    expect((await api.call<Json>('GET', `/assets/${p}`, { key: ada.apiKey })).body.stack.assetCount).toBe(2);

    // A bulk unstack naming someone else's stack unstacks nothing.
    const [b1, b2] = await photos(bea, 2);
    const beasStack = (await api.call<Json>('POST', '/stacks', { key: bea.apiKey, body: { assetIds: [b1, b2] } })).body;
    expect((await api.call('DELETE', '/stacks', { key: ada.apiKey, body: { ids: [stack.id, beasStack.id] } })).status).toBe(400);
    expect((await api.call('GET', `/stacks/${stack.id}`, { key: ada.apiKey })).status).toBe(200);
    expect((await api.call('DELETE', `/stacks/${stack.id}`, { key: ada.apiKey })).status).toBe(204);
    expect((await api.call('GET', `/stacks/${stack.id}`, { key: ada.apiKey })).status).toBe(400);
    for (const id of [p, q]) expect((await api.call<Json>('GET', `/assets/${id}`, { key: ada.apiKey })).body).toMatchObject({ id, stack: null });
  });

  it('folds a stack into its primary on the timeline with withStacked, counting it once', async () => {
    const [s1, s2, s3] = await insertSyntheticAssets(runtime.ports.db, ada.id, [
      { localDateTime: '2019-07-01T10:00:00' }, { localDateTime: '2019-07-01T10:00:01' }, { localDateTime: '2019-07-02T10:00:00' },
    ]);
    const stack = (await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [s2, s1] } })).body;
    const july = async (query: string) => {
      const buckets = await api.call<Json[]>('GET', `/timeline/buckets?${query}`, { key: ada.apiKey });
      const bucket = await api.call<Json>('GET', `/timeline/bucket?timeBucket=2019-07-01&${query}`, { key: ada.apiKey });
      return { count: buckets.body.find((b) => b.timeBucket === '2019-07-01')?.count, bucket: bucket.body };
    };
    const all = await july('');
    expect(all.count).toBe(3);
    expect([...all.bucket.id].sort()).toEqual([s1, s2, s3].sort());
    expect(all.bucket.stack).toBeUndefined();
    const folded = await july('withStacked=true');
    expect(folded.count).toBe(2);
    expect([...folded.bucket.id].sort()).toEqual([s2, s3].sort());
    expectShape(folded.bucket, 'TimeBucketAssetResponseDto');
    const at = (id: string) => folded.bucket.stack[folded.bucket.id.indexOf(id)];
    expect([at(s2!), at(s3!)]).toEqual([[stack.id, '2'], null]);
  });

  it('reaches the phones through the sync stream: the owner’s StacksV1, the partner’s PartnerStacksV1, deletes included', async () => {
    const login = async (email: string, password: string) => (await api.call<Json>('POST', '/auth/login', { body: { email, password } })).body.accessToken as string;
    const adas = await login('ada@example.com', 'a long enough password');
    const beas = await login('bea@example.com', 'another good password');
    const types = ['AssetsV2', 'StacksV1', 'PartnerAssetsV2', 'PartnerStacksV1'];
    const sync = async (token: string) => {
      const lines = await api.syncLines(token, types);
      await api.ackLast(token, lines);
      return lines;
    };
    await Promise.all([sync(adas), sync(beas)]);
    const [x, y] = await photos(ada, 2);
    const stack = (await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [x, y] } })).body;
    const [adaLines, beaLines] = await Promise.all([sync(adas), sync(beas)]);
    const stackLine = adaLines.find((l) => l.type === 'StackV1')!;
    expectShape(stackLine.data, 'SyncStackV1');
    expect(stackLine.data).toMatchObject({ id: stack.id, ownerId: ada.id, primaryAssetId: x });
    expect(adaLines.filter((l) => l.type === 'AssetV2' && l.data.stackId === stack.id).map((l) => l.data.id).sort()).toEqual([x, y].sort());
    expect(beaLines.filter((l) => l.type === 'PartnerStackV1').map((l) => l.data.id)).toEqual([stack.id]);
    expect(beaLines.some((l) => l.type === 'StackV1')).toBe(false);

    // Deleting the primary for good takes the stack with it; both phones hear it.
    expect((await api.call('DELETE', '/assets', { key: ada.apiKey, body: { ids: [x], force: true } })).status).toBe(204);
    const [adaAfter, beaAfter] = await Promise.all([sync(adas), sync(beas)]);
    expect(adaAfter.filter((l) => l.type === 'StackDeleteV1').map((l) => l.data)).toEqual([{ stackId: stack.id }]);
    expect(beaAfter.filter((l) => l.type === 'PartnerStackDeleteV1').map((l) => l.data)).toEqual([{ stackId: stack.id }]);
    expect(adaAfter.find((l) => l.type === 'AssetV2' && l.data.id === y)!.data.stackId).toBeNull();

    // Someone Ada starts sharing with later gets her existing stacks as a backfill.
    const [k1, k2] = await photos(ada, 2);
    const kept = (await api.call<Json>('POST', '/stacks', { key: ada.apiKey, body: { assetIds: [k1, k2] } })).body;
    await api.createUser(ada, 'cleo@example.com');
    const cleos = await login('cleo@example.com', 'another good password');
    await sync(cleos);
    const cleo = (await api.call<Json>('GET', '/users/me', { token: cleos })).body;
    expect((await api.call('POST', '/partners', { key: ada.apiKey, body: { sharedWithId: cleo.id } })).status).toBe(201);
    const backfilled = await sync(cleos);
    const stacks = backfilled.filter((l) => l.type === 'PartnerStackBackfillV1' || l.type === 'PartnerStackV1');
    for (const l of stacks) expectShape(l.data, 'SyncStackV1');
    expect(stacks.map((l) => l.data.id)).toContain(kept.id);
  });
});
