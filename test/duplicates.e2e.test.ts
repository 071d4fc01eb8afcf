import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { colourPhoto } from './media-samples.js';
import { writeTinyClipPack } from './model-packs.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * Duplicates as Immich's clients use them (the web app's duplicates utility, @immich/sdk 3.2.2):
 * the pipeline finds a re-encoded copy through real CLIP vectors (a tiny real ONNX model), the
 * owner reviews and resolves or dismisses groups, the keeper takes what the others knew — and
 * every other role is refused, with nothing half-done. At another origin than localhost.
 */
describe('duplicates', () => {
  let runtime: TestRuntime;
  let models: string;
  let api: ReturnType<typeof apiClient>;
  let ada: TestUser;
  let bea: TestUser;
  const expectShape = (value: unknown, type: string) => expect(immichShapeProblems(value, type), type).toEqual([]);
  const photos = (owner: TestUser, n: number, extra: Json = {}) =>
    insertSyntheticAssets(runtime.ports.db, owner.id, Array.from({ length: n }, (_, i) => ({ localDateTime: `2025-04-0${i + 1}T10:00:00`, ...extra })));
  /** A group made the way Immich's own tests make one: the bulk update's duplicateId. */
  const group = async (owner: TestUser, ids: string[]) => {
    const duplicateId = randomUUID();
    expect((await api.call('PUT', '/assets', { key: owner.apiKey, body: { ids, duplicateId } })).status).toBe(204);
    return duplicateId;
  };
  const asset = async (owner: TestUser, id: string) => (await api.call<Json>('GET', `/assets/${id}`, { key: owner.apiKey })).body;
  const resolve = (key: string | undefined, groups: unknown) => api.call<Json[]>('POST', '/duplicates/resolve', { key, body: { groups } });
  const detected = (id: string) =>
    waitFor(async () => {
      const { rows } = await runtime.ports.db.query(`SELECT 1 FROM asset_job_status WHERE asset_id = $1 AND stage = 'duplicates' AND status = 'done'`, [id]);
      return rows.length > 0 ? true : undefined;
    }, `duplicate detection of ${id}`);

  beforeAll(async () => {
    models = await mkdtemp(path.join(os.tmpdir(), 'shoebox-models-'));
    await writeTinyClipPack(models);
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.29', SHOEBOX_MODELS: models });
    api = apiClient(`http://127.0.0.29:${runtime.port}`);
    ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(ada, 'bea@example.com');
    // Bea sees Ada's library (a partner); Ada's duplicates stay Ada's to review.
    expect((await api.call('POST', '/partners', { key: ada.apiKey, body: { sharedWithId: bea.id } })).status).toBe(201);
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(models, { recursive: true, force: true });
  });

  it('finds a re-encoded copy through the pipeline and suggests keeping the larger file, in Immich’s shapes', async () => {
    const red = await colourPhoto(220, 30, 30, 1, 640, 480);
    const smaller = await sharp(red).resize(320, 240).jpeg({ quality: 60 }).toBuffer();
    const original = await api.upload(ada, red, 'Größe original.jpg');
    const copy = await api.upload(ada, smaller, 'copie réduite.jpg');
    const blue = await api.upload(ada, await colourPhoto(30, 40, 220, 3), 'blue.jpg');
    for (const id of [original, copy, blue]) await detected(id);

    const { status, body } = await api.call<Json[]>('GET', '/duplicates', { key: ada.apiKey });
    expect(status).toBe(200);
    expect(body).toHaveLength(1);
    expectShape(body[0], 'DuplicateResponseDto');
    for (const member of body[0]!.assets) expectShape(member, 'AssetResponseDto');
    expect(body[0]!.assets.map((a: Json) => a.id).sort()).toEqual([original, copy].sort());
    expect(body[0]!.suggestedKeepAssetIds).toEqual([original]);
    expect((await asset(ada, copy)).duplicateId).toBe(body[0]!.duplicateId);
    expect((await asset(ada, blue)).duplicateId).toBeNull();
    expect((await api.call<Json>('GET', '/server/features')).body.duplicateDetection).toBe(true);
    // A partner sees the photos, never the owner's duplicates.
    expect((await api.call('GET', '/duplicates', { key: bea.apiKey })).body).toEqual([]);

    // Dismissed, the pair is no longer a group; the admin's forced job finds it again (Immich's "Detect duplicates: all").
    expect((await api.call('DELETE', `/duplicates/${body[0]!.duplicateId}`, { key: ada.apiKey })).status).toBe(204);
    expect((await api.call('GET', '/duplicates', { key: ada.apiKey })).body).toEqual([]);
    expect((await api.call('PUT', '/jobs/duplicateDetection', { key: bea.apiKey, body: { command: 'start', force: true } })).status).toBe(403);
    const job = await api.call<Json>('PUT', '/jobs/duplicateDetection', { key: ada.apiKey, body: { command: 'start', force: true } });
    expect(job.status).toBe(200);
    expect(job.body.queued).toBe(3);
    const again = await waitFor(async () => {
      const listed = (await api.call<Json[]>('GET', '/duplicates', { key: ada.apiKey })).body;
      return listed.length === 1 ? listed : undefined;
    }, 'the forced detection to group the pair again');
    expect(again[0]!.assets.map((a: Json) => a.id).sort()).toEqual([original, copy].sort());
    await api.call('DELETE', '/duplicates', { key: ada.apiKey, body: { ids: [again[0]!.duplicateId] } });
  });

  it('resolves a group: the single keeper takes favourite, visibility, rating, description, location, albums and tags; the rest go to the trash', async () => {
    const [keeper, other] = await photos(ada, 2);
    const [albumOfKeeper, albumOfOther] = await Promise.all(
      [keeper, other].map(async (id, i) => (await api.call<Json>('POST', '/albums', { key: ada.apiKey, body: { albumName: `Álbum ${i}`, assetIds: [id] } })).body.id as string),
    );
    expect((await api.call('PUT', '/assets', { key: ada.apiKey, body: { ids: [keeper], description: 'Party', tags: ['Events/Party'] } })).status).toBe(204);
    expect(
      (await api.call('PUT', '/assets', { key: ada.apiKey, body: { ids: [other], isFavorite: true, visibility: 'archive', rating: 4, description: 'Oma’s 80th\nParty', latitude: 38.7, longitude: -9.1, tags: ['Family/Oma'] } }))
        .status,
    ).toBe(204);
    const duplicateId = await group(ada, [keeper!, other!]);

    const { status, body } = await resolve(ada.apiKey, [{ duplicateId, keepAssetIds: [keeper], trashAssetIds: [other] }]);
    expect(status).toBe(200);
    expect(body).toEqual([{ id: duplicateId, success: true }]);
    expectShape(body[0], 'BulkIdResponseDto');

    const kept = await asset(ada, keeper!);
    expect(kept).toMatchObject({ duplicateId: null, isFavorite: true, visibility: 'archive', isTrashed: false });
    expect(kept.exifInfo).toMatchObject({ rating: 4, description: 'Party\nOma’s 80th', latitude: 38.7, longitude: -9.1 });
    expect(kept.tags.map((t: Json) => t.value).sort()).toEqual(['Events/Party', 'Family/Oma']);
    for (const album of [albumOfKeeper, albumOfOther]) {
      expect(await api.albumAssetIds(ada, album!)).toContain(keeper);
    }
    expect(await asset(ada, other!)).toMatchObject({ isTrashed: true, duplicateId: null });
    expect((await api.call('GET', '/duplicates', { key: ada.apiKey })).body).toEqual([]);
  });

  it('answers each group on its own, refusing what cannot be carried out and changing nothing of it', async () => {
    const [a, b, c] = await photos(ada, 3);
    const [outsider] = await photos(ada, 1);
    const [beas] = await photos(bea, 1);
    const threes = await group(ada, [a!, b!, c!]);
    const beasGroup = await group(bea, [beas!]);
    const missing = randomUUID();
    const { status, body } = await resolve(ada.apiKey, [
      { duplicateId: missing, keepAssetIds: [], trashAssetIds: [] },
      { duplicateId: beasGroup, keepAssetIds: [], trashAssetIds: [beas] },
      { duplicateId: threes, keepAssetIds: [a], trashAssetIds: [a, b, c] },
      { duplicateId: threes, keepAssetIds: [a], trashAssetIds: [b] },
      { duplicateId: threes, keepAssetIds: [a, b, c], trashAssetIds: [outsider] },
      { duplicateId: threes, keepAssetIds: [], trashAssetIds: [a, b, beas] },
    ]);
    expect(status).toBe(200);
    expect(body.map((r) => [r.success, r.error])).toEqual([
      [false, 'not_found'],
      [false, 'not_found'], // another user's group reads as missing
      [false, 'validation'],
      [false, 'validation'],
      [false, 'validation'],
      [false, 'validation'],
    ]);
    expect(body[0]!.errorMessage).toMatch(/not found or access denied/);
    expect(body[2]!.errorMessage).toMatch(/disjoint/);
    expect(body[3]!.errorMessage).toMatch(/must cover all assets/);
    expect(body[4]!.errorMessage).toMatch(/not a member of duplicate group/);
    expect(body[5]!.errorMessage).toMatch(/not a member of duplicate group/);
    for (const r of body) expectShape(r, 'BulkIdResponseDto');
    for (const id of [a!, b!, c!]) expect(await asset(ada, id)).toMatchObject({ duplicateId: threes, isTrashed: false });
    expect(await asset(bea, beas!)).toMatchObject({ duplicateId: beasGroup, isTrashed: false });

    // Trashing all of a group needs no keeper; a good group succeeds beside a bad one.
    const [d, e] = await photos(ada, 2);
    const pair = await group(ada, [d!, e!]);
    const mixed = await resolve(ada.apiKey, [
      { duplicateId: threes, keepAssetIds: [], trashAssetIds: [a, b, c] },
      { duplicateId: missing, keepAssetIds: [], trashAssetIds: [] },
      { duplicateId: pair, keepAssetIds: [d, e], trashAssetIds: [] },
    ]);
    expect(mixed.body.map((r) => r.success)).toEqual([true, false, true]);
    for (const id of [a!, b!, c!]) expect(await asset(ada, id)).toMatchObject({ duplicateId: null, isTrashed: true });
    for (const id of [d!, e!]) expect(await asset(ada, id)).toMatchObject({ duplicateId: null, isTrashed: false });
  });

  it('dismisses groups (every asset kept), and refuses every other role and every malformed request', async () => {
    const [a, b, c, d] = await photos(ada, 4);
    const first = await group(ada, [a!, b!]);
    const second = await group(ada, [c!, d!]);
    const limited = (await api.call<Json>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'read only', permissions: ['duplicate.read'] } })).body.secret as string;

    const refused: Array<[string, string, string | undefined, unknown, number]> = [
      ['GET', '/duplicates', undefined, undefined, 401],
      ['DELETE', `/duplicates/${first}`, undefined, undefined, 401],
      ['POST', '/duplicates/resolve', undefined, { groups: [{ duplicateId: first, keepAssetIds: [a], trashAssetIds: [b] }] }, 401],
      ['DELETE', '/duplicates', undefined, { ids: [first] }, 401],
      ['DELETE', `/duplicates/${first}`, limited, undefined, 403],
      ['POST', '/duplicates/resolve', limited, { groups: [{ duplicateId: first, keepAssetIds: [a], trashAssetIds: [b] }] }, 403],
      // A partner sees the photos but may not touch the owner's groups.
      ['DELETE', `/duplicates/${first}`, bea.apiKey, undefined, 400],
      ['DELETE', '/duplicates', bea.apiKey, { ids: [first, second] }, 400],
      ['DELETE', '/duplicates', ada.apiKey, { ids: [first, randomUUID()] }, 400],
      ['DELETE', '/duplicates/not-a-uuid', ada.apiKey, undefined, 400],
      ['DELETE', '/duplicates', ada.apiKey, { ids: [] }, 400],
      ['DELETE', '/duplicates', ada.apiKey, { ids: 'nope' }, 400],
      ['POST', '/duplicates/resolve', ada.apiKey, { groups: [] }, 400],
      ['POST', '/duplicates/resolve', ada.apiKey, { groups: [{ duplicateId: 'x', keepAssetIds: [], trashAssetIds: [] }] }, 400],
      ['POST', '/duplicates/resolve', ada.apiKey, { groups: [{ duplicateId: first, keepAssetIds: 'all' }] }, 400],
      ['POST', '/duplicates/resolve', ada.apiKey, '{"groups": [', 400],
      ['PUT', '/assets', ada.apiKey, { ids: [a], duplicateId: 'not-a-uuid' }, 400],
      ['PUT', '/assets', bea.apiKey, { ids: [a], duplicateId: randomUUID() }, 400],
    ];
    for (const [method, url, key, body, expected] of refused) {
      expect((await api.call(method, url, { key, body })).status, `${method} ${url} ${JSON.stringify(body)}`).toBe(expected);
    }
    expect((await api.call('GET', '/duplicates', { key: limited })).status).toBe(200);
    for (const [id, dup] of [[a, first], [b, first], [c, second], [d, second]] as const) expect(await asset(ada, id!)).toMatchObject({ duplicateId: dup, isTrashed: false });

    expect((await api.call('DELETE', `/duplicates/${first}`, { key: ada.apiKey })).status).toBe(204);
    expect((await api.call<Json[]>('GET', '/duplicates', { key: ada.apiKey })).body.map((g) => g.duplicateId)).toEqual([second]);
    expect((await api.call('DELETE', '/duplicates', { key: ada.apiKey, body: { ids: [second] } })).status).toBe(204);
    expect((await api.call('GET', '/duplicates', { key: ada.apiKey })).body).toEqual([]);
    for (const id of [a!, b!, c!, d!]) expect(await asset(ada, id)).toMatchObject({ duplicateId: null, isTrashed: false });
  });

  it('answers the queue commands immich-go sends around an upload (pause, resume) in Immich’s shapes', async () => {
    const jobs = await api.call<Json>('GET', '/jobs', { key: ada.apiKey });
    expect(jobs.status).toBe(200);
    expectShape(jobs.body, 'QueuesResponseLegacyDto');
    expect(jobs.body.duplicates).toEqual(jobs.body.duplicateDetection);
    for (const name of ['thumbnailGeneration', 'metadataExtraction', 'videoConversion', 'faceDetection', 'smartSearch']) {
      for (const command of ['pause', 'resume']) {
        const answer = await api.call<Json>('PUT', `/jobs/${name}`, { key: ada.apiKey, body: { command, force: true } });
        expect(answer.status, `${command} ${name}`).toBe(200);
        expectShape(answer.body, 'QueueResponseLegacyDto');
        expect(answer.body.queueStatus.isPaused, `${command} ${name}`).toBe(command === 'pause');
      }
    }
    const refused: Array<[string, unknown, string | undefined, number]> = [
      ['ocr', { command: 'start' }, ada.apiKey, 400],
      ['smartSearch', { command: 'explode' }, ada.apiKey, 400],
      ['noSuchQueue', { command: 'pause' }, ada.apiKey, 400],
      ['smartSearch', { command: 'pause' }, bea.apiKey, 403],
      ['smartSearch', { command: 'pause' }, undefined, 401],
    ];
    for (const [name, body, key, status] of refused) expect((await api.call('PUT', `/jobs/${name}`, { key, body })).status, `${name} ${JSON.stringify(body)}`).toBe(status);
  });
});
