import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * PUT /assets/copy as Immich's phone app uses it (an edited photo saved as a new asset takes
 * the original's place): albums, shared links, stack, favourite and edited metadata move to
 * the target, each part can be left out, the source is untouched — and only the owner may.
 */
describe('copying an asset’s place (PUT /assets/copy)', () => {
  let h: Household;
  const photos = (owner: TestUser, n: number) =>
    insertSyntheticAssets(h.runtime.ports.db, owner.id, Array.from({ length: n }, (_, i) => ({ localDateTime: `2024-07-1${i}T08:00:00` })));
  const send = (user: TestUser | undefined, method: string, route: string, body?: unknown) => h.api.call<Json>(method, route, { key: user?.apiKey, body });

  beforeAll(async () => {
    h = await startHousehold('127.0.0.30', [['ada', 'bea']]);
  });
  afterAll(() => h?.runtime.close());

  it('gives the target the source’s albums, shared links, stack, favourite and edits', async () => {
    const { ada, bea } = h;
    const [source, target, sibling] = await photos(ada, 3);
    const album = (await send(ada, 'POST', '/albums', { albumName: 'Férias', assetIds: [source] })).body.id;
    // Bea (Ada's partner) put Ada's photo in her own album, which Ada may only view.
    const beas = (await send(bea, 'POST', '/albums', { albumName: 'Bea’s', assetIds: [source], albumUsers: [{ userId: ada.id, role: 'viewer' }] })).body.id;
    const link = (await send(ada, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [source] })).body;
    const stack = (await send(ada, 'POST', '/stacks', { assetIds: [source, sibling] })).body.id;
    expect((await send(ada, 'PUT', '/assets', { ids: [source], isFavorite: true, description: 'Praia da Rocha', rating: 5, latitude: 37.12, longitude: -8.54, tags: ['Férias/2024'] })).status).toBe(204);

    expect((await send(ada, 'PUT', '/assets/copy', { sourceId: source, targetId: target })).status).toBe(204);
    const copied = (await send(ada, 'GET', `/assets/${target}`)).body;
    expect(copied).toMatchObject({ isFavorite: true, stack: { id: stack, assetCount: 3 } });
    expect(copied.exifInfo).toMatchObject({ description: 'Praia da Rocha', rating: 5, latitude: 37.12, longitude: -8.54 });
    expect(copied.tags.map((t: Json) => t.value)).toEqual(['Férias/2024']);
    expect((await h.api.albumAssetIds(ada, album)).sort()).toEqual([source, target].sort());
    expect(await h.api.albumAssetIds(bea, beas)).toEqual([source]);
    expect((await send(ada, 'GET', `/shared-links/${link.id}`)).body.assets.map((a: Json) => a.id).sort()).toEqual([source, target].sort());
    // The source is untouched, and doing it again changes nothing more.
    expect((await send(ada, 'GET', `/assets/${source}`)).body).toMatchObject({ isFavorite: true, stack: { id: stack, assetCount: 3 } });
    expect((await send(ada, 'PUT', '/assets/copy', { sourceId: source, targetId: target })).status).toBe(204);
    expect(await h.api.albumAssetIds(ada, album)).toHaveLength(2);
  });

  it('leaves out the parts turned off, and merges a target’s own stack into the source’s', async () => {
    const { ada } = h;
    const [source, sibling, target, targetSibling] = await photos(ada, 4);
    const album = (await send(ada, 'POST', '/albums', { albumName: 'Only the source', assetIds: [source] })).body.id;
    const stack = (await send(ada, 'POST', '/stacks', { assetIds: [source, sibling] })).body.id;
    const targetStack = (await send(ada, 'POST', '/stacks', { assetIds: [target, targetSibling] })).body.id;
    await send(ada, 'PUT', '/assets', { ids: [source], isFavorite: true, description: 'kept here' });
    const body = { sourceId: source, targetId: target, albums: false, sharedLinks: false, favorite: false, sidecar: false };
    expect((await send(ada, 'PUT', '/assets/copy', body)).status).toBe(204);
    const copied = (await send(ada, 'GET', `/assets/${target}`)).body;
    expect(copied).toMatchObject({ isFavorite: false, stack: { id: stack, assetCount: 4 } });
    expect(copied.exifInfo?.description ?? '').toBe('');
    expect((await send(ada, 'GET', `/stacks/${targetStack}`)).status).toBe(400);
    expect(await h.api.albumAssetIds(ada, album)).toEqual([source]);
  });

  it('is the owner’s alone, and refuses malformed requests without changing anything', async () => {
    const { ada, bea } = h;
    const [source, target] = await photos(ada, 2);
    const [beas] = await photos(bea, 1);
    await send(ada, 'PUT', '/assets', { ids: [source], isFavorite: true });
    const limited = (await send(ada, 'POST', '/api-keys', { name: 'read', permissions: ['asset.read'] })).body.secret as string;
    const refused: Array<[TestUser | undefined | string, unknown, number]> = [
      [undefined, { sourceId: source, targetId: target }, 401],
      [limited, { sourceId: source, targetId: target }, 403],
      [bea, { sourceId: source, targetId: target }, 400], // a partner sees them, may not change them
      [ada, { sourceId: source, targetId: beas }, 400],
      [ada, { sourceId: beas, targetId: target }, 400],
      [ada, { sourceId: source, targetId: source }, 400],
      [ada, { sourceId: source }, 400],
      [ada, { sourceId: 'x', targetId: target }, 400],
      [ada, { sourceId: source, targetId: target, albums: 'yes' }, 400],
      [ada, { sourceId: source, targetId: target, everything: true }, 400],
    ];
    for (const [who, body, status] of refused) {
      const key = typeof who === 'string' ? who : who?.apiKey;
      expect((await h.api.call('PUT', '/assets/copy', { key, body })).status, JSON.stringify(body)).toBe(status);
    }
    expect((await send(ada, 'GET', `/assets/${target}`)).body.isFavorite).toBe(false);
    expect((await send(bea, 'GET', `/assets/${beas}`)).body.isFavorite).toBe(false);
  });
});
