import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_JOBS } from '../functions/scheduled/daily-jobs.js';
import { APP_SYNC_TYPES, immichShapeProblems, SYNC_LINE_SHAPES } from './immich-shapes.js';
import { colourPhoto } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
interface SyncLine {
  type: string;
  data: Json;
  ack: string;
}

/**
 * The phone app's sync, as its sync loop runs it: stream every type it asks for, check each
 * line against @immich/sdk 3.2.2, acknowledge the last ack of each type, and stream again for
 * the delta — with changes by the owner, a partner and an album member in between.
 */
describe('the sync stream, as the Immich app uses it', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let ada: TestUser;
  let bea: TestUser;
  let adaSession: string;
  const photos: Record<string, { id: string; bytes: Buffer }> = {};

  async function stream(token: string, body: Json = { types: APP_SYNC_TYPES }): Promise<SyncLine[]> {
    const response = await fetch(`${runtime.url}/api/sync/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/jsonlines+json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jsonlines+json');
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as SyncLine);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['ack', 'data', 'type']);
      expect(SYNC_LINE_SHAPES[l.type], `a line type the test knows: ${l.type}`).toBeDefined();
      expect(immichShapeProblems(l.data, SYNC_LINE_SHAPES[l.type]!), l.type).toEqual([]);
      expect(l.ack.split('|')[0]).toMatch(/^[A-Za-z]+V\d$/);
    }
    return lines;
  }
  /** What the app does after each batch: send the last ack of every type. */
  async function ackAll(token: string, lines: SyncLine[]) {
    expect(await api.ackLast(token, lines)).toBe(204);
  }
  const ofType = (lines: SyncLine[], type: string) => lines.filter((l) => l.type === type).map((l) => l.data);
  const login = async (email: string, password: string) =>
    (await api.call<Json>('POST', '/auth/login', { body: { email, password } })).body.accessToken as string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(ada, 'bea@example.com');
    adaSession = await login('ada@example.com', 'a long enough password');
    for (const [name, user, rgb] of [['red', ada, [220, 20, 20]], ['green', ada, [20, 200, 20]], ['blue', bea, [20, 20, 220]], ['grey', bea, [90, 90, 90]]] as const) {
      const bytes = await colourPhoto(rgb[0], rgb[1], rgb[2], 1, 300, 200);
      photos[name] = { id: await api.upload(user, bytes, `${name}.jpg`), bytes };
    }
  }, 120_000);
  afterAll(() => runtime?.close());

  it('sends a first sync of everything the user may see, in the SDK’s shapes, ending with SyncCompleteV1', async () => {
    const lines = await stream(adaSession);
    expect(lines.at(-1)!.type).toBe('SyncCompleteV1');
    expect(ofType(lines, 'AuthUserV1')).toEqual([expect.objectContaining({ email: 'ada@example.com', isAdmin: true })]);
    expect(ofType(lines, 'UserV1').map((u) => u.email).sort()).toEqual(['ada@example.com', 'bea@example.com']);
    const assets = ofType(lines, 'AssetV2');
    expect(assets.map((a) => a.id).sort()).toEqual([photos.red!.id, photos.green!.id].sort());
    const red = assets.find((a) => a.id === photos.red!.id)!;
    expect(red.checksum).toBe(createHash('sha1').update(photos.red!.bytes).digest('base64'));
    expect(red).toMatchObject({ originalFileName: 'red.jpg', type: 'IMAGE', visibility: 'timeline', isFavorite: false, width: 300, height: 200 });
    expect(red.localDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(ofType(lines, 'AssetExifV1').map((e) => e.assetId).sort()).toEqual([photos.red!.id, photos.green!.id].sort());
    // Nothing of Bea's: no partner, no shared album yet.
    expect(lines.some((l) => JSON.stringify(l.data).includes(photos.blue!.id))).toBe(false);
    await ackAll(adaSession, lines);
    const checkpoints = await api.call<Json[]>('GET', '/sync/ack', { token: adaSession });
    expect(checkpoints.body.map((c) => c.type)).toEqual(expect.arrayContaining(['AssetV2', 'AuthUserV1', 'SyncCompleteV1']));
    expect(ofType(lines, 'UserMetadataV1')).toEqual([{ userId: ada.id, key: 'preferences', value: {} }]);
    expect(await stream(adaSession)).toEqual([expect.objectContaining({ type: 'SyncCompleteV1' })]);

    // Preferences changed on another device arrive as user metadata (the app reads them from there).
    expect((await api.call('PUT', '/users/me/preferences', { token: adaSession, body: { memories: { enabled: false } } })).status).toBe(200);
    const changed = await stream(adaSession);
    expect(ofType(changed, 'UserMetadataV1')).toEqual([{ userId: ada.id, key: 'preferences', value: { memories: { enabled: false } } }]);
    await ackAll(adaSession, changed);
  });

  it('sends only what changed: an edit, a delete, an album shared by someone else, a partner who starts sharing', async () => {
    expect((await api.call('PUT', `/assets/${photos.red!.id}`, { key: ada.apiKey, body: { isFavorite: true } })).status).toBe(200);
    expect((await api.call('DELETE', '/assets', { key: ada.apiKey, body: { ids: [photos.green!.id], force: true } })).status).toBe(204);
    const album = await api.call<Json>('POST', '/albums', { key: bea.apiKey, body: { albumName: 'Bea’s trip', assetIds: [photos.blue!.id], albumUsers: [{ userId: ada.id, role: 'editor' }] } });
    expect(album.status).toBe(201);
    const delta = await stream(adaSession);
    expect(ofType(delta, 'AssetV2')).toEqual([expect.objectContaining({ id: photos.red!.id, isFavorite: true })]);
    expect(ofType(delta, 'AssetDeleteV1')).toEqual([{ assetId: photos.green!.id }]);
    expect(ofType(delta, 'AlbumV2')).toEqual([expect.objectContaining({ id: album.body.id, name: 'Bea’s trip' })]);
    expect(ofType(delta, 'AlbumUserV1').map((u) => `${u.userId}:${u.role}`).sort()).toEqual([`${ada.id}:editor`, `${bea.id}:owner`].sort());
    expect(ofType(delta, 'AlbumToAssetV1')).toEqual([{ albumId: album.body.id, assetId: photos.blue!.id }]);
    expect(ofType(delta, 'AlbumAssetUpdateV2')).toEqual([expect.objectContaining({ id: photos.blue!.id, ownerId: bea.id })]);
    expect(ofType(delta, 'AlbumAssetExifUpdateV1')).toEqual([expect.objectContaining({ assetId: photos.blue!.id })]);
    // Bea's other photo is not in the album: Ada does not get it.
    expect(delta.some((l) => JSON.stringify(l.data).includes(photos.grey!.id))).toBe(false);
    await ackAll(adaSession, delta);

    // Cleo shares her library with Ada: her photos come as partner assets.
    const cleo = await api.createUser(ada, 'cleo@example.com');
    const cleos = await api.upload(cleo, await colourPhoto(200, 200, 20, 1, 300, 200), 'yellow.jpg');
    expect((await api.call('POST', '/partners', { key: cleo.apiKey, body: { sharedWithId: ada.id } })).status).toBe(201);
    const first = await stream(adaSession);
    expect(ofType(first, 'PartnerAssetV2').map((a) => a.id)).toEqual([cleos]);
    expect(ofType(first, 'PartnerAssetBackfillV2')).toEqual([]);
    await ackAll(adaSession, first);

    // Then Bea starts sharing, after Ada's checkpoint: her older photos come as a backfill.
    expect((await api.call('POST', '/partners', { key: bea.apiKey, body: { sharedWithId: ada.id } })).status).toBe(201);
    const shared = await stream(adaSession);
    expect(ofType(shared, 'PartnerV1')).toEqual([{ sharedById: bea.id, sharedWithId: ada.id, inTimeline: false }]);
    expect(ofType(shared, 'PartnerAssetV2')).toEqual([]);
    expect(ofType(shared, 'PartnerAssetBackfillV2').map((a) => a.id).sort()).toEqual([photos.blue!.id, photos.grey!.id].sort());
    expect(ofType(shared, 'PartnerAssetExifBackfillV1').map((e) => e.assetId).sort()).toEqual([photos.blue!.id, photos.grey!.id].sort());
    expect(shared.filter((l) => l.type === 'SyncAckV1').map((l) => l.ack)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^PartnerAssetBackfillV2\|\d+\|complete$/), expect.stringMatching(/^PartnerAssetExifBackfillV1\|\d+\|complete$/)]),
    );
    await ackAll(adaSession, shared);
    expect(await stream(adaSession)).toEqual([expect.objectContaining({ type: 'SyncCompleteV1' })]);

    // Later changes of hers arrive as partner upserts; her deletes as partner deletes.
    expect((await api.call('DELETE', '/assets', { key: bea.apiKey, body: { ids: [photos.grey!.id], force: true } })).status).toBe(204);
    expect((await api.call('PUT', `/assets/${photos.blue!.id}`, { key: bea.apiKey, body: { description: 'Meer' } })).status).toBe(200);
    const later = await stream(adaSession);
    expect(ofType(later, 'PartnerAssetDeleteV1')).toEqual([{ assetId: photos.grey!.id }]);
    expect(ofType(later, 'PartnerAssetExifV1')).toEqual([expect.objectContaining({ assetId: photos.blue!.id, description: 'Meer' })]);
    await ackAll(adaSession, later);

    // The album goes: its members hear it.
    expect((await api.call('DELETE', `/albums/${album.body.id}`, { key: bea.apiKey })).status).toBeLessThan(300);
    const gone = await stream(adaSession);
    expect(ofType(gone, 'AlbumDeleteV1')).toEqual([{ albumId: album.body.id }]);
    await ackAll(adaSession, gone);
  });

  it('starts over on reset, from the ack or the request, and per type when its checkpoint is deleted', async () => {
    const full = (lines: SyncLine[]) => ofType(lines, 'AssetV2').map((a) => a.id);
    expect(full(await stream(adaSession, { types: APP_SYNC_TYPES, reset: true }))).toEqual([photos.red!.id]);
    await ackAll(adaSession, await stream(adaSession));
    expect((await api.call('DELETE', '/sync/ack', { token: adaSession, body: { types: ['AssetV2'] } })).status).toBe(204);
    const again = await stream(adaSession);
    expect(full(again)).toEqual([photos.red!.id]);
    expect(ofType(again, 'AuthUserV1')).toEqual([]);
    expect((await api.call('POST', '/sync/ack', { token: adaSession, body: { acks: ['SyncResetV1|reset'] } })).status).toBe(204);
    expect(full(await stream(adaSession))).toEqual([photos.red!.id]);
  });

  it('forgets deletions after 30 days, and a phone away longer is told to start over', async () => {
    const { db } = runtime.ports;
    await ackAll(adaSession, await stream(adaSession));
    const deletes = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sync_deletes')).rows[0]!.n);
    expect(await deletes()).toBeGreaterThan(0);
    await DAILY_JOBS.sync!(runtime.ports, new Date());
    const kept = await deletes();
    expect(kept).toBeGreaterThan(0);
    await db.query(`UPDATE sync_deletes SET deleted_at = now() - interval '32 days'`);
    await db.query(`UPDATE session_sync_checkpoints SET updated_at = now() - interval '31 days' WHERE type = 'SyncCompleteV1'`);
    expect(await DAILY_JOBS.sync!(runtime.ports, new Date())).toBeGreaterThanOrEqual(kept);
    expect(await deletes()).toBe(0);
    // It may have missed a delete that is gone now: only SyncResetV1, until it acknowledges it.
    expect(await stream(adaSession)).toEqual([{ type: 'SyncResetV1', data: {}, ack: 'SyncResetV1|reset' }]);
    expect(await stream(adaSession)).toHaveLength(1);
    expect((await api.call('POST', '/sync/ack', { token: adaSession, body: { acks: ['SyncResetV1|reset'] } })).status).toBe(204);
    expect(ofType(await stream(adaSession), 'AssetV2').map((a) => a.id)).toEqual([photos.red!.id]);
  });

  it('refuses API keys, strangers, unknown types and acks it did not make; each session keeps its own place', async () => {
    expect((await api.call('POST', '/sync/stream', { key: ada.apiKey, body: { types: APP_SYNC_TYPES } })).status).toBe(403);
    expect((await api.call('GET', '/sync/ack', { key: ada.apiKey })).status).toBe(403);
    expect((await api.call('POST', '/sync/stream', { body: { types: APP_SYNC_TYPES } })).status).toBe(401);
    expect((await api.call('POST', '/sync/stream', { token: adaSession, body: { types: ['AssetsV9'] } })).status).toBe(400);
    expect((await api.call('POST', '/sync/stream', { token: adaSession, body: { types: 'AssetsV2' } })).status).toBe(400);
    for (const acks of [['AssetV9|1'], ['AssetV2|x'], ['AssetV2'], ['AssetV2|1|a|b'], [`AssetV2|${'9'.repeat(30)}`], ['AssetV2|9999999999999999999'], 'AssetV2|1']) {
      expect((await api.call('POST', '/sync/ack', { token: adaSession, body: { acks } })).status, JSON.stringify(acks)).toBe(400);
    }
    // Another phone of Ada's starts from the beginning; Bea sees her own things only.
    const second = await login('ada@example.com', 'a long enough password');
    const secondLines = await stream(second);
    expect(ofType(secondLines, 'AssetV2').map((a) => `${a.id} ${a.originalFileName}`)).toEqual([`${photos.red!.id} red.jpg`]);
    const beaSession = await login('bea@example.com', 'another good password');
    const beas = await stream(beaSession);
    expect(ofType(beas, 'AuthUserV1')).toEqual([expect.objectContaining({ email: 'bea@example.com', isAdmin: false })]);
    expect(ofType(beas, 'AssetV2').map((a) => a.id)).toEqual([photos.blue!.id]);
    expect(ofType(beas, 'PartnerAssetV2')).toEqual([]);
  });
});
