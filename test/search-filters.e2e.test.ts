import { AssetTypeEnum, createPerson, getAssetsByCity, searchAssetStatistics, searchAssets, searchLargeAssets, searchPerson, searchRandom } from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { as, startHousehold, type Household, type TestRuntime, type TestUser } from './test-runtime.js';

const HOST = '127.0.0.24';

/**
 * Immich's search surface past `/search/metadata`'s basics, with @immich/sdk at another address:
 * the filters immich-go and Home Assistant send (trashedAfter — without it immich-go's
 * `archive from-immich` saw every asset twice — created/updated spans, "no city", rating,
 * not in an album), random picks (photo frames), counts, the largest files, people by name and
 * one photo per city. Only the requester's own assets ever come back.
 */
describe('search filters, random, statistics, large files, people and cities', () => {
  let runtime: TestRuntime;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  const ids: Record<string, string | undefined> = {};
  const set = (id: string, sql: string, ...values: unknown[]) => runtime.ports.db.query(`UPDATE assets SET ${sql} WHERE id = $1`, [id, ...values]);

  beforeAll(async () => {
    ({ runtime, api, ada, bea } = await startHousehold(HOST));
    [ids.lisbon, ids.porto, ids.nowhere, ids.trashed, ids.big] = await insertSyntheticAssets(runtime.ports.db, ada.id, [
      { localDateTime: '2021-01-01T10:00:00', latitude: 38.7, longitude: -9.1, city: 'Lisboa' },
      { localDateTime: '2022-01-01T10:00:00', latitude: 41.1, longitude: -8.6, city: 'Porto' },
      { localDateTime: '2023-01-01T10:00:00' },
      { localDateTime: '2020-01-01T10:00:00' },
      { localDateTime: '2019-01-01T10:00:00', type: 'VIDEO' },
    ]);
    [ids.beas] = await insertSyntheticAssets(runtime.ports.db, bea.id, [{ localDateTime: '2021-06-01T10:00:00', latitude: 38.7, longitude: -9.1, city: 'Lisboa' }]);
    await set(ids.trashed!, `deleted_at = '2024-03-01T00:00:00Z'`);
    await set(ids.big!, 'file_size_bytes = 5000000000');
    await set(ids.porto!, `file_size_bytes = 3000000, created_at = '2024-06-01T00:00:00Z', updated_at = '2024-06-01T00:00:00Z'`);
    await runtime.ports.db.query('INSERT INTO asset_exif (asset_id, rating) VALUES ($1, 4) ON CONFLICT (asset_id) DO UPDATE SET rating = 4', [ids.lisbon]);
    const album = await api.call<{ id: string }>('POST', '/albums', { key: ada.apiKey, body: { albumName: 'Trips', assetIds: [ids.lisbon] } });
    expect(album.status).toBe(201);
  });
  afterAll(() => runtime?.close());

  const found = async (dto: Parameters<typeof searchAssets>[0]['metadataSearchDto'], user = ada) =>
    (await searchAssets({ metadataSearchDto: dto }, as(user))).assets.items.map((a) => a.id).sort();
  const sorted = (...names: string[]) => names.map((n) => ids[n]!).sort();

  it('filters by trash span, created and updated spans, a missing city, rating and albums', async () => {
    // immich-go's from-immich asks for trashed assets with trashedAfter: only those, never the rest again.
    expect(await found({ trashedAfter: '2024-01-01T00:00:00.000Z' })).toEqual(sorted('trashed'));
    expect(await found({ trashedAfter: '2024-06-01T00:00:00.000Z' })).toEqual([]);
    expect(await found({ trashedBefore: '2024-06-01T00:00:00.000Z' })).toEqual(sorted('trashed'));
    expect(await found({ createdAfter: '2024-05-01T00:00:00.000Z', createdBefore: '2024-07-01T00:00:00.000Z' })).toEqual(sorted('porto'));
    expect(await found({ updatedBefore: '2024-07-01T00:00:00.000Z' })).toEqual(sorted('porto'));
    expect(await found({ city: null })).toEqual(sorted('nowhere', 'big'));
    expect(await found({ city: 'lisboa' })).toEqual(sorted('lisbon'));
    expect(await found({ rating: 4 })).toEqual(sorted('lisbon'));
    expect(await found({ isNotInAlbum: true })).toEqual(sorted('porto', 'nowhere', 'big'));
    expect(await found({ libraryId: null, type: AssetTypeEnum.Video })).toEqual(sorted('big'));
    expect(await found({ withDeleted: true })).toEqual(sorted('lisbon', 'porto', 'nowhere', 'trashed', 'big'));
    // Bea's Lisbon photo is hers: Ada's search never shows it, and Bea's never shows Ada's.
    expect(await found({ city: 'Lisboa' }, bea)).toEqual([ids.beas]);
  });

  it('picks at random, counts, and lists the largest files first', async () => {
    const random = await searchRandom({ randomSearchDto: { size: 10 } }, as(ada));
    expect(random.map((a) => a.id).sort()).toEqual(sorted('lisbon', 'porto', 'nowhere', 'big'));
    for (const asset of random) expect(immichShapeProblems(asset, 'AssetResponseDto')).toEqual([]);
    expect(await searchRandom({ randomSearchDto: { size: 2, withExif: true } }, as(ada))).toHaveLength(2);
    expect((await searchRandom({ randomSearchDto: { city: 'Porto', withExif: true } }, as(ada)))[0]!.exifInfo!.city).toBe('Porto');

    expect(await searchAssetStatistics({ statisticsSearchDto: {} }, as(ada))).toEqual({ total: 4 });
    expect(await searchAssetStatistics({ statisticsSearchDto: { type: AssetTypeEnum.Image, isNotInAlbum: true } }, as(ada))).toEqual({ total: 2 });

    const large = await searchLargeAssets({ minFileSize: 2_000_000 }, as(ada));
    expect(large.map((a) => a.id)).toEqual([ids.big, ids.porto]);
    expect((await searchLargeAssets({ size: 1 }, as(ada))).map((a) => a.id)).toEqual([ids.big]);
  });

  it('finds people by the start of any word of their name, hidden ones only when asked', async () => {
    const anna = await createPerson({ personCreateDto: { name: 'Anna Silva' } }, as(ada));
    const joanne = await createPerson({ personCreateDto: { name: 'Jo Anne' } }, as(ada));
    await createPerson({ personCreateDto: { name: 'Hidden Andy', isHidden: true } }, as(ada));
    await createPerson({ personCreateDto: { name: 'Dana' } }, as(ada));
    await createPerson({ personCreateDto: { name: 'Andrea' } }, as(bea));
    const people = await searchPerson({ name: 'an' }, as(ada));
    expect(people.map((p) => p.name).sort()).toEqual(['Anna Silva', 'Jo Anne']);
    for (const person of people) expect(immichShapeProblems(person, 'PersonResponseDto')).toEqual([]);
    expect(people.map((p) => p.id).sort()).toEqual([anna.id, joanne.id].sort());
    expect((await searchPerson({ name: 'AN', withHidden: true }, as(ada))).map((p) => p.name).sort()).toEqual(['Anna Silva', 'Hidden Andy', 'Jo Anne']);
    // LIKE's wildcards are letters here.
    expect(await searchPerson({ name: '%' }, as(ada))).toEqual([]);
    expect(await searchPerson({ name: '_' }, as(ada))).toEqual([]);
  });

  it('gives one photo per city, newest place first, the requester’s own', async () => {
    expect((await getAssetsByCity(as(ada))).map((a) => [a.id, a.exifInfo?.city])).toEqual([
      [ids.porto, 'Porto'],
      [ids.lisbon, 'Lisboa'],
    ]);
    expect((await getAssetsByCity(as(bea))).map((a) => a.id)).toEqual([ids.beas]);
  });

  it('refuses malformed filters with a validation error, and each route its missing permission', async () => {
    for (const [path, body] of [
      ['/search/metadata', { trashedAfter: 'yesterday' }],
      ['/search/metadata', { rating: 9 }],
      ['/search/metadata', { tagIds: ['x'] }],
      ['/search/metadata', { city: 7 }],
      ['/search/random', { size: 0 }],
      ['/search/random', { size: 1001 }],
      ['/search/statistics', { libraryId: 'nope' }],
    ] as const) {
      const answer = await api.call<{ message: string; errors: unknown[] }>('POST', path, { key: ada.apiKey, body });
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.message).toBe('Validation failed');
    }
    expect((await api.call('POST', '/search/large-assets?minFileSize=-1', { key: ada.apiKey })).status).toBe(400);
    expect((await api.call('GET', '/search/person', { key: ada.apiKey })).status).toBe(400);
    const key = await api.call<{ secret: string }>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'reader', permissions: ['asset.read'] } });
    expect(await api.call('POST', '/search/statistics', { key: key.body.secret, body: {} })).toMatchObject({
      status: 403,
      body: { message: 'Missing required permission: asset.statistics' },
    });
    expect((await api.call('GET', '/search/person?name=a', { key: key.body.secret })).status).toBe(403);
    expect((await api.call('POST', '/search/random', { key: key.body.secret, body: {} })).status).toBe(200);
    expect((await api.call('POST', '/search/random', { body: {} })).status).toBe(401);
  });
});
