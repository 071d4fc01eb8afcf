import { addMemoryAssets, createMemory, deleteMemory, getMemory, memoriesStatistics, MemoryType, removeMemoryAssets } from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { as, startHousehold, type Household, type TestRuntime, type TestUser } from './test-runtime.js';

const HOST = '127.0.0.26';

/**
 * Memories a person makes (Immich's POST /memories and its assets), with @immich/sdk at another
 * address: made empty or with photos, photos added and taken out with Immich's per-id answers,
 * counted, deleted — and another user's memory refused as if it were not there.
 */
describe('memories made by hand', () => {
  let runtime: TestRuntime;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  let cy: TestUser;

  beforeAll(async () => {
    ({ runtime, api, ada, bea, cy } = await startHousehold(HOST, [['bea', 'ada']]));
  });
  afterAll(() => runtime?.close());

  it('makes a memory, adds and removes photos with per-id answers, counts and deletes it', async () => {
    const [mine1, mine2] = await insertSyntheticAssets(runtime.ports.db, ada.id, [{ localDateTime: '2021-07-04T10:00:00' }, { localDateTime: '2021-07-04T11:00:00' }]);
    const [beas] = await insertSyntheticAssets(runtime.ports.db, bea.id, [{ localDateTime: '2021-07-04T12:00:00' }]);
    const [cys] = await insertSyntheticAssets(runtime.ports.db, cy.id, [{ localDateTime: '2021-07-04T12:00:00' }]);
    const made = await createMemory(
      { memoryCreateDto: { type: MemoryType.OnThisDay, memoryAt: '2025-07-04T00:00:00.000Z', data: { year: 2021 }, assetIds: [mine1!, cys!] } },
      as(ada),
    );
    expect(immichShapeProblems(made, 'MemoryResponseDto')).toEqual([]);
    // Cy's photo is not Ada's to put in a memory: skipped, as Immich skips it.
    expect(made.assets.map((a) => a.id)).toEqual([mine1]);
    expect(made).toMatchObject({ type: 'on_this_day', data: { year: 2021 }, memoryAt: '2025-07-04T00:00:00.000Z', isSaved: false });

    expect(await addMemoryAssets({ id: made.id, bulkIdsDto: { ids: [mine2!, mine1!, beas!, cys!, mine2!] } }, as(ada))).toEqual([
      { id: mine2, success: true },
      { id: mine1, success: false, error: 'duplicate' },
      { id: beas, success: true }, // a partner's photo, as in Immich (asset.share)
      { id: cys, success: false, error: 'no_permission' },
      { id: mine2, success: false, error: 'duplicate' },
    ]);
    expect(await removeMemoryAssets({ id: made.id, bulkIdsDto: { ids: [mine1!, cys!] } }, as(ada))).toEqual([
      { id: mine1, success: true },
      { id: cys, success: false, error: 'not_found' },
    ]);
    expect((await getMemory({ id: made.id }, as(ada))).assets.map((a) => a.id)).toEqual([mine2, beas]);
    expect(await memoriesStatistics({}, as(ada))).toEqual({ total: 1 });

    // Bea may not read, change or delete Ada's memory: it looks missing.
    for (const [method, path, body, permission] of [
      ['GET', `/memories/${made.id}`, undefined, 'memory.read'],
      ['PUT', `/memories/${made.id}/assets`, { ids: [beas] }, 'memoryAsset.create'],
      ['DELETE', `/memories/${made.id}/assets`, { ids: [beas] }, 'memoryAsset.delete'],
      ['DELETE', `/memories/${made.id}`, undefined, 'memory.delete'],
    ] as const) {
      expect(await api.call(method, path, { key: bea.apiKey, body }), `${method} ${path}`).toMatchObject({ status: 400, body: { message: `Not found or no ${permission} access` } });
    }
    await deleteMemory({ id: made.id }, as(ada));
    expect(await memoriesStatistics({}, as(ada))).toEqual({ total: 0 });
    expect((await api.call('GET', `/memories/${made.id}`, { key: ada.apiKey })).status).toBe(400);
  });

  it('refuses malformed memories with a validation error and keeps nothing', async () => {
    const count = async () => Number((await runtime.ports.db.query<{ n: string }>('SELECT count(*) AS n FROM memories')).rows[0]!.n);
    const before = await count();
    for (const body of [
      {},
      { type: 'on_this_day', memoryAt: '2025-07-04', data: {} },
      { type: 'on_this_day', memoryAt: 'soon', data: { year: 2021 } },
      { type: 'other', memoryAt: '2025-07-04', data: { year: 2021 } },
      { type: 'on_this_day', memoryAt: '2025-07-04', data: { year: 99999 } },
      { type: 'on_this_day', memoryAt: '2025-07-04', data: { year: 2021 }, assetIds: ['nope'] },
    ]) {
      const answer = await api.call<{ message: string }>('POST', '/memories', { key: ada.apiKey, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.message).toBe('Validation failed');
    }
    expect((await api.call('PUT', '/memories/not-a-uuid/assets', { key: ada.apiKey, body: { ids: [] } })).status).toBe(400);
    const key = await api.call<{ secret: string }>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'reader', permissions: ['memory.read'] } });
    expect(await api.call('POST', '/memories', { key: key.body.secret, body: {} })).toMatchObject({ status: 403, body: { message: 'Missing required permission: memory.create' } });
    expect(await count()).toBe(before);
  });
});
