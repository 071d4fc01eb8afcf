import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto, readMedia, uniqueJpeg } from './media-samples.js';
import { startHousehold, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.42';
const key = (name: string) => `shoebox-core#${name}`;

/**
 * Immich 3's workflows on the real pipeline: a family's rules for their own new photos — archive
 * screenshots into an album, tag and favourite one camera's photos, react to a tag — each run
 * logged, refused when malformed, and never reaching anyone else's photos or albums.
 */
describe('workflows run on each user’s new photos', () => {
  let home: Household;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  const as = (user: TestUser | undefined, method: string, path: string, body?: unknown) => api.call<Json>(method, path, { key: user?.apiKey, body });
  const asset = async (user: TestUser, id: string) => (await as(user, 'GET', `/assets/${id}`)).body;
  const albumNamed = async (user: TestUser, name: string) => ((await as(user, 'GET', '/albums')).body as unknown as Json[]).find((a) => a.albumName === name);
  const albumAssetIds = (user: TestUser, albumId: string) => api.albumAssetIds(user, albumId);

  beforeAll(async () => {
    home = await startHousehold(HOST);
    ({ api, ada, bea } = home);
  });
  afterAll(() => home?.runtime.close());

  it('offers the built-in plugin, its methods, templates and triggers in Immich’s shapes', async () => {
    const plugins = (await as(ada, 'GET', '/plugins')).body as unknown as Json[];
    expect(plugins).toHaveLength(1);
    expect(plugins[0]).toMatchObject({ name: 'shoebox-core', version: '1.0.0' });
    const keys = plugins[0]!.methods.map((m: Json) => m.key);
    expect(keys).toEqual(expect.arrayContaining([key('assetFileNameFilter'), key('assetCameraFilter'), key('assetArchive'), key('assetAddToAlbums'), key('assetAddTags')]));
    expect((await as(ada, 'GET', `/plugins/${plugins[0]!.id}`)).body.name).toBe('shoebox-core');
    expect((await as(ada, 'GET', '/plugins/methods')).body).toHaveLength(keys.length);
    expect(((await as(ada, 'GET', '/plugins/templates')).body as unknown as Json[]).map((t) => t.title)).toContain('Archive screenshots');
    expect(((await as(ada, 'GET', '/workflows/triggers')).body as unknown as Json[]).map((t) => t.trigger)).toEqual(['AssetCreate', 'AssetMetadataExtraction', 'AssetTagged']);
    expect((await as(undefined, 'GET', '/plugins')).status).toBe(401);
  });

  it('archives screenshots into an album made for them, and leaves other photos alone', async () => {
    const template = ((await as(ada, 'GET', '/plugins/templates')).body as unknown as Json[]).find((t) => t.title === 'Archive screenshots')!;
    const made = await as(ada, 'POST', '/workflows', { trigger: template.trigger, name: 'Bildschirmfotos weg', logging: true, steps: template.steps });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Bildschirmfotos weg', trigger: 'AssetCreate', enabled: true, logging: true });
    const png = await sharp(await colourPhoto(20, 20, 20, 1)).png().toBuffer();
    const shot = await api.upload(ada, png, 'Screenshot_2026-12-03 Überweisung.png');
    const holiday = await api.upload(ada, await colourPhoto(200, 120, 40, 2), 'Urlaub am Meer.jpg');
    expect((await asset(ada, shot)).visibility).toBe('archive');
    expect((await asset(ada, holiday)).visibility).toBe('timeline');
    const album = await albumNamed(ada, 'Screenshots');
    expect(album).toBeDefined();
    expect(await albumAssetIds(ada, album!.id)).toEqual([shot]);
    const logs = (await as(ada, 'GET', `/workflows/${made.body.id}/logs`)).body as unknown as Json[];
    expect(logs.map((l) => [l.result, l.triggerDataId]).sort()).toEqual([['completed', shot], ['halted', holiday]].sort());
    expect(logs.find((l) => l.result === 'halted')!.lastStep).toEqual({ index: 0, method: key('assetFileNameFilter') });
    // Bea's screenshot is hers: Ada's rule does not touch it.
    const beas = await api.upload(bea, Buffer.from(png), 'Screenshot Bea.png');
    expect((await asset(bea, beas)).visibility).toBe('timeline');
  });

  it('tags and favourites one camera’s photos once their metadata is read, into the owner’s albums only', async () => {
    const ownAlbum = (await as(ada, 'POST', '/albums', { albumName: 'Canon' })).body.id as string;
    const beasAlbum = (await as(bea, 'POST', '/albums', { albumName: 'Beas' })).body.id as string;
    const made = await as(ada, 'POST', '/workflows', {
      trigger: 'AssetMetadataExtraction',
      name: 'Canon',
      steps: [
        { method: key('assetCameraFilter'), config: { make: 'canon' } },
        { method: key('assetAddTags'), config: { tags: ['Kamera/Canon'] } },
        { method: key('assetFavorite'), config: {} },
        { method: key('assetAddToAlbums'), config: { albumIds: [ownAlbum, beasAlbum] } },
      ],
    });
    expect(made.status).toBe(201);
    const canon = await api.upload(ada, uniqueJpeg(await readMedia('exif-samples__Canon_40D.jpg'), 'workflow'), 'IMG_0001.jpg');
    const other = await api.upload(ada, await colourPhoto(10, 60, 200, 3), 'anders.jpg');
    const after = await asset(ada, canon);
    expect(after.isFavorite).toBe(true);
    expect(after.tags.map((t: Json) => t.value)).toContain('Kamera/Canon');
    expect((await asset(ada, other)).isFavorite).toBe(false);
    expect(await albumAssetIds(ada, ownAlbum)).toEqual([canon]);
    expect(await albumAssetIds(bea, beasAlbum)).toEqual([]);
    // Read again (refresh metadata): nothing doubles.
    await as(ada, 'POST', '/assets/jobs', { assetIds: [canon], name: 'refresh-metadata' });
    await expect.poll(async () => (await albumAssetIds(ada, ownAlbum)).length, { timeout: 10_000 }).toBe(1);
    // Turned off, it runs no more.
    expect((await as(ada, 'PUT', `/workflows/${made.body.id}`, { enabled: false })).body.enabled).toBe(false);
    const later = await api.upload(ada, uniqueJpeg(await readMedia('exif-samples__Canon_40D.jpg'), 'workflow-off'), 'IMG_0002.jpg');
    expect((await asset(ada, later)).isFavorite).toBe(false);
  });

  it('reacts to a tag a person adds', async () => {
    const made = await as(bea, 'POST', '/workflows', { trigger: 'AssetTagged', steps: [{ method: key('assetFavorite'), config: { inverse: false } }] });
    const photo = await api.upload(bea, await colourPhoto(90, 10, 10, 4), 'Geburtstag.jpg');
    expect((await asset(bea, photo)).isFavorite).toBe(false);
    const tag = ((await as(bea, 'PUT', '/tags', { tags: ['Familie'] })).body as unknown as Json[])[0]!;
    await as(bea, 'PUT', '/tags/assets', { tagIds: [tag.id], assetIds: [photo] });
    expect((await asset(bea, photo)).isFavorite).toBe(true);
    expect((await as(bea, 'GET', `/workflows/${made.body.id}/share`)).body).toEqual({ name: null, description: null, trigger: 'AssetTagged', steps: [{ method: key('assetFavorite'), config: { inverse: false }, enabled: true }] });
  });

  it('refuses malformed workflows in Immich’s validation shape, and keeps each one its owner’s', async () => {
    for (const [body, path] of [
      [{ trigger: 'AssetDeleted' }, 'trigger'],
      [{ trigger: 'AssetCreate', steps: [{ method: 'someone-else#steal', config: {} }] }, 'steps'],
      [{ trigger: 'AssetCreate', steps: [{ method: key('assetFileNameFilter'), config: { pattern: '(', matchType: 'regex' } }] }, 'steps'],
      [{ trigger: 'AssetCreate', steps: [{ method: key('assetAddToAlbums'), config: { albumIds: ['not-a-uuid'] } }] }, 'steps'],
      [{ trigger: 'AssetCreate', steps: [{ method: key('assetAddTags'), config: { tags: [] } }] }, 'steps'],
    ] as const) {
      const refused = await as(ada, 'POST', '/workflows', body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.errors[0].path[0]).toBe(path);
    }
    const adas = ((await as(ada, 'GET', '/workflows')).body as unknown as Json[])[0]!;
    for (const [method, path, body, permission] of [
      ['GET', `/workflows/${adas.id}`, undefined, 'workflow.read'],
      ['PUT', `/workflows/${adas.id}`, { enabled: false }, 'workflow.update'],
      ['DELETE', `/workflows/${adas.id}`, undefined, 'workflow.delete'],
      ['GET', `/workflows/${adas.id}/logs`, undefined, 'workflow.read'],
    ] as const) {
      expect(await as(bea, method, path, body), `${method} ${path} by Bea`).toMatchObject({ status: 400, body: { message: `Not found or no ${permission} access` } });
    }
    expect(((await as(bea, 'GET', '/workflows')).body as unknown as Json[]).every((w) => w.id !== adas.id)).toBe(true);
    expect((await as(ada, 'GET', `/workflows/${adas.id}`)).body.enabled).toBe(true);
    expect((await as(ada, 'DELETE', `/workflows/${adas.id}`)).status).toBe(204);
    expect((await as(ada, 'GET', `/workflows/${adas.id}`)).status).toBe(400);
  });
});
