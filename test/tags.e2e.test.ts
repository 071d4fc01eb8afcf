import {
  bulkTagAssets,
  createTag,
  deleteTag,
  getAllTags,
  getAssetInfo,
  getTagById,
  getTimeBuckets,
  searchAssets,
  searchSmart,
  tagAssets,
  untagAssets,
  updateTag,
  uploadAsset,
  upsertTags,
} from '@immich/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedKey } from '../core/assets/object-keys.js';
import { readAll } from '../core/ports/object-store.js';
import { readXmpSidecar } from '../core/media/xmp-sidecar.js';
import { applyFileTags } from '../core/tags/tags.js';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { as, startHousehold, waitFor, type Household, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.23';

/** A JPEG whose XMP carries Lightroom's keywords: flat in dc:subject, as paths in lr:hierarchicalSubject. */
async function jpegWithKeywords(seed: number): Promise<Buffer> {
  const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:lr="http://ns.adobe.com/lightroom/1.0/">
<dc:subject><rdf:Bag><rdf:li>People</rdf:li><rdf:li>Anna</rdf:li><rdf:li>Café</rdf:li></rdf:Bag></dc:subject>
<lr:hierarchicalSubject><rdf:Bag><rdf:li>People|Family|Anna</rdf:li><rdf:li>Places|Café de Flore</rdf:li></rdf:Bag></lr:hierarchicalSubject>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  return sharp({ create: { width: 96, height: 64, channels: 3, background: { r: seed, g: 120, b: 200 } } })
    .jpeg()
    .withExif({ IFD0: { DateTime: '2024:05:01 10:00:00' } })
    .withXmp(xmp)
    .toBuffer();
}

/**
 * Tags as Immich's clients use them (immich-go's `--tag` and Takeout people tags go through
 * `PUT /tags` + `PUT /tags/{id}/assets`; Home Assistant filters by them), driven with
 * @immich/sdk 3.2.2 at another address: keywords read from a real JPEG's XMP at ingest,
 * the hierarchy, search and timeline filters that include the tags under a tag, every role
 * refused what Immich refuses with Immich's error bodies, and sidecars that say the same.
 */
describe('tags', () => {
  let runtime: TestRuntime;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  let cy: TestUser;
  const expectShape = (value: unknown, type: string) => expect(immichShapeProblems(value, type), type).toEqual([]);
  const photos = (owner: TestUser, n: number) =>
    insertSyntheticAssets(runtime.ports.db, owner.id, Array.from({ length: n }, (_, i) => ({ localDateTime: `2023-0${i + 1}-10T09:00:00` })));
  const sidecarTags = async (owner: TestUser, assetId: string) =>
    readXmpSidecar((await readAll(await runtime.ports.store.read(derivedKey(owner.id, assetId, 'edits', 'xmp')), 1 << 20)).toString('utf8')).tags ?? [];

  beforeAll(async () => {
    // Ada shares her library with Bea; Cy is a stranger to both.
    ({ runtime, api, ada, bea, cy } = await startHousehold(HOST, [['ada', 'bea']]));
  });
  afterAll(() => runtime?.close());

  it('reads a photo’s keywords into tags at ingest, as paths, and finds it by a tag above them', async () => {
    const created = await uploadAsset(
      {
        assetMediaCreateDto: {
          assetData: new File([new Uint8Array(await jpegWithKeywords(1))], 'flore.jpg'),
          fileCreatedAt: '2024-05-01T10:00:00.000Z',
          fileModifiedAt: '2024-05-01T10:00:00.000Z',
        },
      },
      as(ada),
    );
    await waitFor(async () => ((await getAssetInfo({ id: created.id }, as(ada))) as { status?: string }).status === 'ready' || undefined, 'the photo processed');
    const tags = await getAllTags(as(ada));
    expect(tags.map((t) => t.value)).toEqual(['People', 'People/Family', 'People/Family/Anna', 'Places', 'Places/Café de Flore']);
    for (const tag of tags) expectShape(tag, 'TagResponseDto');
    const byValue = new Map(tags.map((t) => [t.value, t]));
    expect(byValue.get('People/Family/Anna')).toMatchObject({ name: 'Anna', parentId: byValue.get('People/Family')!.id });
    const asset = await getAssetInfo({ id: created.id }, as(ada));
    expect(asset.tags!.map((t) => t.value)).toEqual(['People/Family/Anna', 'Places/Café de Flore']);

    // A filter on 'People' finds what is tagged 'People/Family/Anna'; every tag given must match.
    const people = byValue.get('People')!.id;
    const found = await searchAssets({ metadataSearchDto: { tagIds: [people] } }, as(ada));
    expect(found.assets.items.map((a) => a.id)).toEqual([created.id]);
    expect((await searchAssets({ metadataSearchDto: { tagIds: [people, byValue.get('Places')!.id] } }, as(ada))).assets.total).toBe(1);
    const [untagged] = await photos(ada, 1);
    expect((await searchAssets({ metadataSearchDto: { tagIds: null } }, as(ada))).assets.items.map((a) => a.id)).toEqual([untagged]);
    expect((await getTimeBuckets({ tagId: people }, as(ada))).map((b) => [b.timeBucket.slice(0, 7), b.count])).toEqual([['2024-05', 1]]);
    // Another user's tag id filters nothing in: Bea may not search with Ada's tag.
    expect((await searchAssets({ metadataSearchDto: { tagIds: [people] } }, as(bea))).assets.total).toBe(0);
    // The smart search's filter is the timeline's: with no CLIP model here it says so, after validating tagIds.
    await expect(searchSmart({ smartSearchDto: { query: 'x', tagIds: ['nope'] } }, as(ada))).rejects.toMatchObject({ status: 400 });
  });

  it('creates, nests, upserts, recolours, renames and deletes as Immich does', async () => {
    const a = await createTag({ tagCreateDto: { name: 'Trips' } }, as(bea));
    expect(a).toEqual({ id: expect.any(String), name: 'Trips', value: 'Trips', createdAt: expect.any(String), updatedAt: expect.any(String) });
    const b = await createTag({ tagCreateDto: { name: 'Lisboa', parentId: a.id, color: '00ff00' } }, as(bea));
    expect(b).toMatchObject({ parentId: a.id, name: 'Lisboa', value: 'Trips/Lisboa', color: '#00ff00' });
    // The same value twice is refused; another user may have it too.
    const again = await api.call<Json>('POST', '/tags', { key: bea.apiKey, body: { name: 'Trips' } });
    expect(again).toMatchObject({ status: 400, body: { message: 'A tag with that name already exists' } });
    expect((await api.call('POST', '/tags', { key: cy.apiKey, body: { name: 'Trips' } })).status).toBe(201);

    // Four clients upserting the same deep path at once get the same tags, made once.
    const results = await Promise.all(Array.from({ length: 4 }, () => upsertTags({ tagUpsertDto: { tags: ['Trips/Porto/2024/Ribeira'] } }, as(bea))));
    expect(new Set(results.map(([tag]) => tag!.id)).size).toBe(1);
    expect(results[0]![0]).toMatchObject({ name: 'Ribeira', value: 'Trips/Porto/2024/Ribeira' });
    expect((await upsertTags({ tagUpsertDto: { tags: ['Trips//Porto/', ' '] } }, as(bea))).map((t) => t.value)).toEqual(['Trips/Porto']);
    expect((await getAllTags(as(bea))).map((t) => t.value)).toEqual(['Trips', 'Trips/Lisboa', 'Trips/Porto', 'Trips/Porto/2024', 'Trips/Porto/2024/Ribeira']);

    expect(await updateTag({ id: b.id, tagUpdateDto: { color: '#123' } }, as(bea))).toMatchObject({ color: '#123' });
    // A rename keeps the parent and carries the tags below along.
    const porto = (await getAllTags(as(bea))).find((t) => t.value === 'Trips/Porto')!;
    expect(await updateTag({ id: porto.id, tagUpdateDto: { name: 'Porto e Gaia' } }, as(bea))).toMatchObject({ name: 'Porto e Gaia', value: 'Trips/Porto e Gaia' });
    expect((await getAllTags(as(bea))).map((t) => t.value)).toContain('Trips/Porto e Gaia/2024/Ribeira');
    const taken = await api.call<Json>('PUT', `/tags/${porto.id}`, { key: bea.apiKey, body: { name: 'Lisboa' } });
    expect(taken).toMatchObject({ status: 400, body: { message: 'A tag with that name already exists' } });

    // Deleting a tag deletes the tags under it, and nothing else.
    await deleteTag({ id: porto.id }, as(bea));
    expect((await getAllTags(as(bea))).map((t) => t.value)).toEqual(['Trips', 'Trips/Lisboa']);
    expect(await getTagById({ id: b.id }, as(bea))).toMatchObject({ value: 'Trips/Lisboa', color: '#123' });
  });

  it('tags assets one tag at a time and in bulk, skipping what is not the requester’s, with sidecars to match', async () => {
    const [p1, p2] = await photos(ada, 2);
    const [strangers] = await photos(cy, 1);
    const [trips, family] = await upsertTags({ tagUpsertDto: { tags: ['Trips/Roma', 'Family'] } }, as(ada));
    const [cysTag] = await upsertTags({ tagUpsertDto: { tags: ['Cy'] } }, as(cy));

    const added = await tagAssets({ id: trips!.id, bulkIdsDto: { ids: [p1!, p1!, strangers!] } }, as(ada));
    expect(added).toEqual([
      { id: p1, success: true },
      { id: p1, success: false, error: 'duplicate' },
      { id: strangers, success: false, error: 'no_permission' },
    ]);
    // Bulk: only the requester's tags on the requester's assets count.
    const bulk = await bulkTagAssets({ tagBulkAssetsDto: { tagIds: [trips!.id, family!.id, cysTag!.id], assetIds: [p1!, p2!, strangers!] } }, as(ada));
    expect(bulk).toEqual({ count: 3 });
    expect((await getAssetInfo({ id: p1! }, as(ada))).tags!.map((t) => t.value)).toEqual(['Family', 'Trips/Roma']);
    expect(await sidecarTags(ada, p1!)).toEqual(['Family', 'Trips/Roma']);
    expect((await getAssetInfo({ id: strangers! }, as(cy))).tags).toEqual([]);

    const removed = await untagAssets({ id: family!.id, bulkIdsDto: { ids: [p1!, p1!] } }, as(ada));
    expect(removed).toEqual([
      { id: p1, success: true },
      { id: p1, success: false, error: 'not_found' },
    ]);
    expect(await sidecarTags(ada, p1!)).toEqual(['Trips/Roma']);
    // A person's choice outlives a re-read of the file: its keywords no longer replace the tags.
    await applyFileTags(runtime.ports.db, p1!, ada.id, ['From the file']);
    expect((await getAssetInfo({ id: p1! }, as(ada))).tags!.map((t) => t.value)).toEqual(['Trips/Roma']);

    // A partner may tag Ada's photo with her own tag; Ada does not see Bea's words, and her sidecar stays hers.
    const [beas] = await upsertTags({ tagUpsertDto: { tags: ['Beautiful'] } }, as(bea));
    expect(await tagAssets({ id: beas!.id, bulkIdsDto: { ids: [p2!, strangers!] } }, as(bea))).toEqual([
      { id: p2, success: true },
      { id: strangers, success: false, error: 'no_permission' },
    ]);
    expect((await getAssetInfo({ id: p2! }, as(bea))).tags!.map((t) => t.value)).toEqual(['Beautiful']);
    expect((await getAssetInfo({ id: p2! }, as(ada))).tags!.map((t) => t.value)).toEqual(['Family', 'Trips/Roma']);
    // Deleting a tag untags its assets (their sidecars follow).
    await deleteTag({ id: trips!.id }, as(ada));
    expect(await sidecarTags(ada, p1!)).toEqual([]);
  });

  it('refuses every other role with Immich’s status and body, and changes nothing', async () => {
    const [adasTag] = await upsertTags({ tagUpsertDto: { tags: ['Private'] } }, as(ada));
    const [asset] = await photos(ada, 1);
    const count = async () => Number((await runtime.ports.db.query<{ n: string }>('SELECT count(*) AS n FROM tags')).rows[0]!.n);
    const before = await count();

    expect(await api.call('GET', '/tags')).toMatchObject({ status: 401, body: { message: 'Authentication required' } });
    const readOnly = await api.call<{ secret: string }>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'reader', permissions: ['asset.read'] } });
    for (const [method, path, permission] of [
      ['GET', '/tags', 'tag.read'],
      ['POST', '/tags', 'tag.create'],
      ['PUT', '/tags', 'tag.create'],
      ['PUT', '/tags/assets', 'tag.asset'],
      ['GET', `/tags/${adasTag!.id}`, 'tag.read'],
      ['PUT', `/tags/${adasTag!.id}`, 'tag.update'],
      ['DELETE', `/tags/${adasTag!.id}`, 'tag.delete'],
      ['PUT', `/tags/${adasTag!.id}/assets`, 'tag.asset'],
    ] as const) {
      const refused = await api.call(method, path, { key: readOnly.body.secret, body: method === 'GET' ? undefined : { name: 'x' } });
      expect(refused, `${method} ${path}`).toMatchObject({ status: 403, body: { message: `Missing required permission: ${permission}` } });
    }
    // Someone else's tag looks exactly like a missing one, whatever is asked of it.
    for (const [method, path, body, permission] of [
      ['GET', `/tags/${adasTag!.id}`, undefined, 'tag.read'],
      ['PUT', `/tags/${adasTag!.id}`, { color: '#000' }, 'tag.update'],
      ['DELETE', `/tags/${adasTag!.id}`, undefined, 'tag.delete'],
      ['PUT', `/tags/${adasTag!.id}/assets`, { ids: [asset] }, 'tag.asset'],
      ['DELETE', `/tags/${adasTag!.id}/assets`, { ids: [asset] }, 'tag.asset'],
      ['GET', '/tags/7f0c5c9e-0000-4000-8000-000000000000', undefined, 'tag.read'],
    ] as const) {
      for (const who of [bea, cy]) {
        const refused = await api.call(method, path, { key: who.apiKey, body });
        expect(refused, `${method} ${path}`).toMatchObject({ status: 400, body: { message: `Not found or no ${permission} access` } });
      }
    }
    expect(await api.call('POST', '/tags', { key: bea.apiKey, body: { name: 'Child', parentId: adasTag!.id } })).toMatchObject({ status: 400 });
    // A shared link (even Ada's own) holds no tags: Immich's 403, a link is no sign-in.
    const link = await api.call<{ key: string }>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'INDIVIDUAL', assetIds: [asset] } });
    expect((await api.call('GET', `/tags?key=${link.body.key}`)).status).toBe(403);
    expect(await count()).toBe(before);
    expect((await getAssetInfo({ id: asset! }, as(ada))).tags).toEqual([]);
  });

  it('answers malformed, oversized and hostile input with a validation error, and keeps nothing', async () => {
    const count = async () => Number((await runtime.ports.db.query<{ n: string }>('SELECT count(*) AS n FROM tags')).rows[0]!.n);
    const before = await count();
    const invalidId = await api.call<Json>('GET', '/tags/not-a-uuid', { key: ada.apiKey });
    expect(invalidId).toMatchObject({ status: 400, body: { message: 'Validation failed', errors: [expect.objectContaining({ path: ['id'], message: 'Invalid UUID' })] } });
    expect(Object.keys(invalidId.body).sort()).toEqual(['errors', 'message']);
    expect(invalidId.headers.get('x-correlation-id')).toMatch(/\S/);
    for (const body of [
      {},
      { name: '' },
      { name: 7 },
      { name: 'x'.repeat(1001) },
      { name: 'ok', color: 'red' },
      { name: 'ok', color: '#12345' },
      { name: 'ok', parentId: 'nope' },
      { name: 'ok', parentId: '7f0c5c9e-0000-4000-8000-000000000000' },
      { name: 'a\u0000b' },
      { name: '///' },
    ]) {
      const answer = await api.call<Json>('POST', '/tags', { key: ada.apiKey, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(typeof answer.body.message, JSON.stringify(body)).toBe('string');
    }
    for (const body of [{ tags: 'Trips' }, { tags: [1] }, { tags: Array.from({ length: 1001 }, (_, i) => `t${i}`) }, { tags: ['x'.repeat(1001)] }]) {
      expect((await api.call('PUT', '/tags', { key: ada.apiKey, body })).status).toBe(400);
    }
    for (const body of [{ tagIds: ['x'], assetIds: [] }, { tagIds: [] }, { tagIds: {}, assetIds: {} }]) {
      expect((await api.call('PUT', '/tags/assets', { key: ada.apiKey, body })).status).toBe(400);
    }
    const tag = await createTag({ tagCreateDto: { name: 'Kept' } }, as(ada));
    expect((await api.call('PUT', `/tags/${tag.id}`, { key: ada.apiKey, body: { name: 'a/b' } })).status).toBe(400);
    expect((await api.call('PUT', `/tags/${tag.id}/assets`, { key: ada.apiKey, body: { ids: ['nope'] } })).status).toBe(400);
    const notJson = await fetch(`http://${HOST}:${runtime.port}/api/tags`, { method: 'POST', headers: { 'x-api-key': ada.apiKey, 'content-type': 'application/json' }, body: '{"name":' });
    expect(notJson.status).toBe(400);
    expect(await count()).toBe(before + 1);
    expect((await getTagById({ id: tag.id }, as(ada))).value).toBe('Kept');
  });
});
