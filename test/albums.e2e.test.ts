import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * Albums in Immich 3's shapes and rules, as its own album spec and the apps read them: an album
 * answer carries no assets and no owner field — `albumUsers` lists the owner first (role owner),
 * then the viewer, then the rest; `contributorCounts` once anyone else sees it; the isOwned and
 * isShared filters; a deleted owner's albums gone from every list; editors may rename; per-id
 * results for adding and removing, a name given twice included.
 */
describe('albums, as Immich 3 answers them', () => {
  let h: Household;
  let mine: string[];
  let beas: string[];
  const send = <T = Json>(user: TestUser, method: string, path: string, body?: unknown) => h.api.call<T>(method, path, { key: user.apiKey, body });

  beforeAll(async () => {
    h = await startHousehold('127.0.0.34');
    mine = await insertSyntheticAssets(h.runtime.ports.db, h.ada.id, [{ localDateTime: '2024-05-01T10:00:00' }, { localDateTime: '2024-06-01T10:00:00' }]);
    beas = await insertSyntheticAssets(h.runtime.ports.db, h.bea.id, [{ localDateTime: '2024-07-01T10:00:00' }]);
  });
  afterAll(() => h?.runtime.close());

  it('answers without assets or owner, the owner first in albumUsers; naming the owner as a member changes nothing', async () => {
    const { ada, bea, cy } = h;
    const created = await send(ada, 'POST', '/albums', {
      albumName: 'Família',
      assetIds: [mine[0]],
      albumUsers: [{ userId: ada.id, role: 'editor' }, { userId: cy.id, role: 'viewer' }, { userId: bea.id, role: 'editor' }],
    });
    expect(created.status).toBe(201);
    const album = created.body;
    for (const gone of ['assets', 'owner', 'ownerId']) expect(album).not.toHaveProperty(gone);
    expect(album.albumUsers.map((m: Json) => [m.user.id, m.role])).toEqual([[ada.id, 'owner'], [bea.id, 'editor'], [cy.id, 'viewer']]);
    expect(album).toMatchObject({ albumName: 'Família', assetCount: 1, shared: true, hasSharedLink: false, albumThumbnailAssetId: mine[0] });

    // Cy sees the owner first, then themselves, then the rest.
    const seenByCy = (await send(cy, 'GET', `/albums/${album.id}`)).body;
    expect(seenByCy.albumUsers.map((m: Json) => m.user.id)).toEqual([ada.id, cy.id, bea.id]);
    expect(seenByCy.contributorCounts).toEqual([{ userId: ada.id, assetCount: 1 }]);
    expect(seenByCy.startDate).toBe('2024-05-01T10:00:00.000Z');

    // Sharing with the owner, or again with a member, is no error and adds no one.
    const again = await send(ada, 'PUT', `/albums/${album.id}/users`, { albumUsers: [{ userId: ada.id, role: 'editor' }, { userId: bea.id, role: 'editor' }] });
    expect(again.status).toBe(200);
    expect(again.body.albumUsers).toHaveLength(3);
    const alone = (await send(ada, 'POST', '/albums', { albumName: 'Só eu', albumUsers: [{ userId: ada.id, role: 'editor' }] })).body;
    expect(alone.albumUsers).toEqual([{ role: 'owner', user: expect.objectContaining({ id: ada.id }) }]);
    expect(alone.shared).toBe(false);
    expect((await send(ada, 'POST', '/albums', { albumName: 'x', albumUsers: [{ userId: crypto.randomUUID(), role: 'editor' }] })).body).toEqual({ message: 'Invalid user' });
  });

  it('filters by isOwned and isShared, and by assetId regardless of them', async () => {
    const { ada, bea } = h;
    const names = async (user: TestUser, query: string) => ((await send<Json[]>(user, 'GET', `/albums${query}`)).body as Json[]).map((a) => a.albumName).sort();
    const shared = (await send(bea, 'POST', '/albums', { albumName: 'Da Bea', albumUsers: [{ userId: ada.id, role: 'viewer' }] })).body;
    await send(ada, 'POST', '/albums', { albumName: 'Por link', assetIds: [mine[1]] }).then((r) => send(ada, 'POST', '/shared-links', { type: 'ALBUM', albumId: r.body.id }));
    expect(await names(ada, '?isOwned=true')).toEqual(['Família', 'Por link', 'Só eu']);
    expect(await names(ada, '?isOwned=false')).toEqual(['Da Bea']);
    expect(await names(ada, '?isShared=true')).toEqual(['Da Bea', 'Família', 'Por link']);
    expect(await names(ada, '?isShared=false')).toEqual(['Só eu']);
    expect(await names(ada, '?isOwned=true&isShared=true')).toEqual(['Família', 'Por link']);
    expect(await names(ada, '?isOwned=false&isShared=false')).toEqual([]);
    expect(await names(ada, `?isShared=false&assetId=${mine[0]}`)).toEqual(['Família']);
    // Immich 1's name for the filter still works.
    expect(await names(ada, '?shared=false')).toEqual(['Só eu']);
    expect((await send(ada, 'GET', '/albums/statistics')).body).toEqual({ owned: 3, shared: 3, notShared: 1 });
    expect((await send(ada, 'GET', '/albums?isOwned=maybe')).status).toBe(400);
    await send(bea, 'DELETE', `/albums/${shared.id}`);
  });

  it('lets an editor rename, refuses a viewer, and reports every id added or removed', async () => {
    const { ada, bea, cy } = h;
    const album = (await send(ada, 'POST', '/albums', { albumName: 'Praia', albumUsers: [{ userId: bea.id, role: 'editor' }, { userId: cy.id, role: 'viewer' }] })).body;
    const renamed = await send(bea, 'PATCH', `/albums/${album.id}`, { albumName: 'Praia 2024' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.albumName).toBe('Praia 2024');
    expect(await send(cy, 'PATCH', `/albums/${album.id}`, { albumName: 'no' })).toMatchObject({ status: 400, body: { message: 'Not found or no album.update access' } });

    const added = await send(ada, 'PUT', `/albums/${album.id}/assets`, { ids: [mine[0], mine[0], beas[0]] });
    expect(added.body).toEqual([
      { id: mine[0], success: true },
      { id: mine[0], success: false, error: 'duplicate' },
      { id: beas[0], success: false, error: 'no_permission' },
    ]);
    expect(await send(cy, 'PUT', `/albums/${album.id}/assets`, { ids: [mine[1]] })).toMatchObject({ status: 400, body: { message: 'Not found or no albumAsset.create access' } });
    expect(await send(cy, 'DELETE', `/albums/${album.id}/assets`, { ids: [mine[0]] })).toMatchObject({ status: 400, body: { message: 'Not found or no albumAsset.delete access' } });
    // Bea may not take out what Ada put in; Ada may, once.
    expect((await send(bea, 'DELETE', `/albums/${album.id}/assets`, { ids: [mine[0]] })).body).toEqual([{ id: mine[0], success: false, error: 'no_permission' }]);
    expect((await send(ada, 'DELETE', `/albums/${album.id}/assets`, { ids: [mine[0], mine[0]] })).body).toEqual([
      { id: mine[0], success: true },
      { id: mine[0], success: false, error: 'not_found' },
    ]);
    // Only the owner changes roles.
    expect(await send(bea, 'PUT', `/albums/${album.id}/user/${cy.id}`, { role: 'editor' })).toMatchObject({ status: 400, body: { message: 'Not found or no album.share access' } });
    expect((await send(ada, 'PUT', `/albums/${album.id}/user/${cy.id}`, { role: 'editor' })).status).toBe(204);
    expect((await send(ada, 'GET', `/albums/${album.id}`)).body.albumUsers.map((m: Json) => m.role)).toEqual(['owner', 'editor', 'editor']);
  });

  it('lists no album of a deleted owner, for anyone', async () => {
    const { ada, bea } = h;
    const dan = await h.api.createUser(ada, 'dan@example.com');
    await send(dan, 'POST', '/albums', { albumName: 'Do Dan', albumUsers: [{ userId: bea.id, role: 'editor' }] });
    expect(((await send<Json[]>(bea, 'GET', '/albums?isOwned=false')).body as Json[]).map((a) => a.albumName)).toContain('Do Dan');
    const before = (await send(bea, 'GET', '/albums/statistics')).body;
    expect((await send(ada, 'DELETE', `/admin/users/${dan.id}`, {})).status).toBe(200);
    expect(((await send<Json[]>(bea, 'GET', '/albums')).body as Json[]).map((a) => a.albumName)).not.toContain('Do Dan');
    expect((await send(bea, 'GET', '/albums/statistics')).body.shared).toBe(before.shared - 1);
  });
});
