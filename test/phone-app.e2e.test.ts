import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { readMedia } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * The Immich phone app's first minutes, call by call as its source makes them (mobile/lib:
 * the server-URL check, login, then users/me and users/me/preferences together — no current
 * user is stored unless both succeed — auth status, storage, features, config), at an address
 * that is not localhost, with every answer checked against @immich/sdk 3.2.2's required fields.
 */
describe('the Immich phone app after login', () => {
  let runtime: TestRuntime;
  let base: string;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let bea: TestUser;
  let token: string;

  const asApp = (method: string, route: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    api.call<Json>(method, route, { body, headers });
  const expectShape = (value: unknown, type: string) => expect(immichShapeProblems(value, type)).toEqual([]);

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.3' });
    base = `http://127.0.0.3:${runtime.port}`;
    api = apiClient(base);
    admin = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(admin, 'bea@example.com');
  });
  afterAll(() => runtime?.close());

  it('finds the server, logs in, and loads the user and preferences together', async () => {
    expect((await fetch(`${base}/.well-known/immich`).then((r) => r.json())) as Json).toEqual({ api: { endpoint: '/api' } });
    expectShape((await api.call('GET', '/server/ping')).body, 'ServerPingResponse');
    expectShape((await api.call('GET', '/server/version')).body, 'ServerVersionResponseDto');
    const login = await api.call<Json>('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } });
    expect(login.status).toBe(201);
    expectShape(login.body, 'LoginResponseDto');
    token = login.body.accessToken;
    const [me, preferences] = await Promise.all([asApp('GET', '/users/me'), asApp('GET', '/users/me/preferences')]);
    expect(me.status).toBe(200);
    expectShape(me.body, 'UserAdminResponseDto');
    expect(preferences.status).toBe(200);
    expectShape(preferences.body, 'UserPreferencesResponseDto');
    expect(preferences.body).toMatchObject({ memories: { enabled: true, duration: 5 }, download: { archiveSize: 4 * 1024 ** 3 }, people: { enabled: true }, albums: { defaultAssetOrder: 'desc' } });
  });

  it('answers auth status, token validation, storage, features and config in the SDK’s shapes', async () => {
    const status = await asApp('GET', '/auth/status');
    expectShape(status.body, 'AuthStatusResponseDto');
    expect(status.body).toMatchObject({ password: true, pinCode: false, isElevated: false });
    // A login never expires while it is used (90 idle days end it), so like Immich's it has no expiresAt.
    expect(status.body.expiresAt).toBeUndefined();
    expect((await asApp('POST', '/auth/validateToken')).body).toEqual({ authStatus: true });
    expect((await api.call('POST', '/auth/validateToken', { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(401);
    const storage = await asApp('GET', '/server/storage');
    expectShape(storage.body, 'ServerStorageResponseDto');
    expect(storage.body.diskSizeRaw).toBeGreaterThan(storage.body.diskAvailableRaw);
    expect(storage.body.diskUseRaw + storage.body.diskAvailableRaw).toBe(storage.body.diskSizeRaw);
    expect(storage.body.diskSize).toMatch(/^\d+(\.\d)? (B|KiB|MiB|GiB|TiB|PiB)$/);
    expectShape((await api.call('GET', '/server/features')).body, 'ServerFeaturesDto');
    const config = (await api.call<Json>('GET', '/server/config')).body;
    expectShape(config, 'ServerConfigDto');
    expect(config.minFaces).toBe(3);
  });

  it('takes the session token in every header Immich accepts, and nothing that is not one', async () => {
    const good: Record<string, string>[] = [{ 'x-immich-user-token': token }, { 'x-immich-session-token': token }, { cookie: `immich_access_token=${token}` }, { authorization: `Bearer ${token}` }];
    for (const headers of good) {
      const me = await api.call<Json>('GET', '/users/me', { headers });
      expect(me.status, Object.keys(headers)[0]).toBe(200);
      expect(me.body.email).toBe('ada@example.com');
    }
    const bad: Record<string, string>[] = [{ 'x-immich-user-token': 'forged' }, { 'x-immich-user-token': '' }, { 'x-immich-session-token': bea.apiKey }];
    for (const headers of bad) {
      expect((await api.call('GET', '/users/me', { headers })).status).toBe(401);
    }
  });

  it('changes preferences section by section, keeps the rest, and refuses what Immich would', async () => {
    const changed = await asApp('PUT', '/users/me/preferences', { memories: { duration: 9 }, download: { includeEmbeddedVideos: true }, avatar: { color: 'amber' } });
    expect(changed.status).toBe(200);
    expectShape(changed.body, 'UserPreferencesResponseDto');
    expect(changed.body.memories).toEqual({ enabled: true, duration: 9, sidebarWeb: false });
    expect(changed.body.download).toEqual({ archiveSize: 4 * 1024 ** 3, includeEmbeddedVideos: true });
    const again = await asApp('PUT', '/users/me/preferences', { memories: { enabled: false } });
    // A later change to the same section keeps the earlier one.
    expect(again.body.memories).toEqual({ enabled: false, duration: 9, sidebarWeb: false });
    expect((await asApp('GET', '/users/me')).body.avatarColor).toBe('amber');
    // Bea's are her own.
    expect((await api.call<Json>('GET', '/users/me/preferences', { key: bea.apiKey })).body.memories).toEqual({ enabled: true, duration: 5, sidebarWeb: false });
    for (const bad of [{ memories: { duration: 'long' } }, { memories: { duration: -1 } }, { nonsense: {} }, { memories: { enabled: true, extra: 1 } }, { avatar: { color: 'chartreuse' } }, { download: { archiveSize: 1e300 } }, [], null]) {
      expect((await asApp('PUT', '/users/me/preferences', bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await asApp('GET', '/users/me/preferences')).body.memories).toEqual({ enabled: false, duration: 9, sidebarWeb: false });
    expect((await api.call('GET', '/users/me/preferences')).status).toBe(401);
    const limited = await api.call<Json>('POST', '/api-keys', { key: admin.apiKey, body: { name: 'frame', permissions: ['asset.read'] } });
    expect((await api.call('GET', '/users/me/preferences', { key: limited.body.secret })).status).toBe(403);
    expect((await api.call('PUT', '/users/me/preferences', { key: limited.body.secret, body: { memories: { enabled: true } } })).status).toBe(403);
  });

  it('PUT /users/me changes name and avatar colour, never the password, never to a taken e-mail', async () => {
    const renamed = await asApp('PUT', '/users/me', { name: 'Ada Lovelace', avatarColor: 'green' });
    expect(renamed.status).toBe(200);
    expectShape(renamed.body, 'UserAdminResponseDto');
    expect(renamed.body).toMatchObject({ name: 'Ada Lovelace', avatarColor: 'green', email: 'ada@example.com' });
    expect((await asApp('PUT', '/users/me', { email: 'bea@example.com' })).status).toBe(400);
    expect((await asApp('PUT', '/users/me', { password: 'taken over by a stolen session' })).status).toBe(400);
    expect((await asApp('PUT', '/users/me', { avatarColor: 'chartreuse' })).status).toBe(400);
    expect((await api.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } })).status).toBe(201);
  });

  it('backs up a live photo as the iPhone app does: the video first, then the still naming it, with the iOS metadata', async () => {
    const upload = async (bytes: Buffer, name: string, fields: Record<string, string> = {}, key = admin.apiKey) => {
      const form = new FormData();
      form.append('deviceAssetId', `${name}-device`);
      form.append('deviceId', 'iPhone');
      form.append('fileCreatedAt', '2024-06-01T08:00:00.000Z');
      form.append('fileModifiedAt', '2024-06-01T08:00:00.000Z');
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('assetData', new Blob([new Uint8Array(bytes)]), name);
      const response = await fetch(`${base}/api/assets`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
      return { status: response.status, body: (await response.json()) as Json };
    };
    const count = async () => (await runtime.ports.db.query('SELECT id FROM assets WHERE owner_id = $1', [admin.id])).rows.length;
    const video = await upload(await readMedia('photoprism__isom-avc1.mp4'), 'IMG_0001.MOV');
    expect(video.status).toBe(201);
    const stillBytes = await readMedia('exif-samples__DSCN0010.jpg');
    const mobileApp = { iCloudId: 'AB12-CD34', createdAt: '2024-06-01T08:00:00.000Z', adjustmentTime: '', latitude: 48.1, longitude: 11.5 };
    const metadata = JSON.stringify([{ key: 'mobile-app', value: mobileApp }]);
    const before = await count();
    // Refused before anything is stored: someone else's video, a video that is not one, metadata that is not metadata.
    const beas = await upload(await readMedia('photoprism__isom-avc1.mp4'), 'bea.MOV', {}, bea.apiKey);
    const refused: Record<string, string>[] = [
      { livePhotoVideoId: beas.body.id },
      { livePhotoVideoId: 'not-a-uuid' },
      { metadata: 'not json' },
      { metadata: JSON.stringify([{ key: 'x', value: 'not an object' }]) },
      { metadata: JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: {} }))) },
    ];
    for (const fields of refused) {
      expect((await upload(stillBytes, 'IMG_0001.HEIC.jpg', fields)).status, JSON.stringify(fields).slice(0, 80)).toBe(400);
    }
    expect(await count()).toBe(before);

    const still = await upload(stillBytes, 'IMG_0001.jpg', { livePhotoVideoId: video.body.id, metadata });
    expect(still.status).toBe(201);
    expectShape(still.body, 'AssetMediaResponseDto');
    const info = (await api.call<Json>('GET', `/assets/${still.body.id}`, { key: admin.apiKey })).body;
    expect(info.livePhotoVideoId).toBe(video.body.id);
    expect((await api.call<Json>('GET', `/assets/${video.body.id}`, { key: admin.apiKey })).body.visibility).toBe('hidden');
    const stored = await api.call<Json[]>('GET', `/assets/${still.body.id}/metadata`, { key: admin.apiKey });
    expect(stored.body).toEqual([{ key: 'mobile-app', value: mobileApp, updatedAt: expect.any(String) }]);
    for (const item of stored.body) expectShape(item, 'AssetMetadataResponseDto');
    // The app retries whole files after being killed: the same bytes again are a cheap duplicate.
    expect(await upload(stillBytes, 'IMG_0001.jpg', { livePhotoVideoId: video.body.id, metadata })).toEqual({ status: 200, body: { id: still.body.id, status: 'duplicate' } });
    // Metadata is the owner's.
    expect((await api.call('GET', `/assets/${still.body.id}/metadata`, { key: bea.apiKey })).status).toBeGreaterThanOrEqual(400);
    expect((await api.call('PUT', `/assets/${still.body.id}/metadata`, { key: bea.apiKey, body: { items: [{ key: 'x', value: {} }] } })).status).toBeGreaterThanOrEqual(400);
    const updated = await api.call<Json[]>('PUT', `/assets/${still.body.id}/metadata`, { key: admin.apiKey, body: { items: [{ key: 'note', value: { text: 'Grüße' } }] } });
    expect(updated.body.map((m) => m.key)).toEqual(['mobile-app', 'note']);
    // One key at a time, and many assets' keys at once (Immich 3's bulk metadata API).
    const byKey = await api.call<Json>('GET', `/assets/${still.body.id}/metadata/note`, { key: admin.apiKey });
    expect(byKey.body).toEqual({ key: 'note', value: { text: 'Grüße' }, updatedAt: expect.any(String) });
    expectShape(byKey.body, 'AssetMetadataResponseDto');
    expect(await api.call('GET', `/assets/${still.body.id}/metadata/absent`, { key: admin.apiKey })).toMatchObject({
      status: 400,
      body: { message: `Metadata with key "absent" not found for asset with id "${still.body.id}"` },
    });
    expect((await api.call('GET', `/assets/${still.body.id}/metadata/note`, { key: bea.apiKey })).status).toBe(400);
    expect((await api.call('DELETE', `/assets/${still.body.id}/metadata/note`, { key: bea.apiKey })).status).toBe(400);
    const bulk = await api.call<Json[]>('PUT', '/assets/metadata', {
      key: admin.apiKey,
      body: { items: [{ assetId: still.body.id, key: 'album-hint', value: { name: '家族' } }, { assetId: video.body.id, key: 'album-hint', value: { name: '家族' } }] },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.map((m) => [m.assetId, m.key]).sort()).toEqual([[still.body.id, 'album-hint'], [video.body.id, 'album-hint']].sort());
    for (const item of bulk.body) expectShape(item, 'AssetMetadataBulkResponseDto');
    const repeated = { items: [{ assetId: still.body.id, key: 'k', value: {} }, { assetId: still.body.id, key: 'k', value: { again: true } }] };
    expect(await api.call('PUT', '/assets/metadata', { key: admin.apiKey, body: repeated })).toMatchObject({ status: 400, body: { message: `Duplicate items are not allowed: "(${still.body.id}, k)"` } });
    expect((await api.call('PUT', `/assets/${still.body.id}/metadata`, { key: admin.apiKey, body: { items: [{ key: 'k', value: {} }, { key: 'k', value: {} }] } })).status).toBe(400);
    // Someone else's asset in a bulk request refuses the whole request: nothing is written.
    const mixed = { items: [{ assetId: still.body.id, key: 'bea-was-here', value: {} }, { assetId: still.body.id, key: 'x', value: {} }] };
    expect((await api.call('PUT', '/assets/metadata', { key: bea.apiKey, body: mixed })).status).toBe(400);
    expect((await api.call('DELETE', '/assets/metadata', { key: bea.apiKey, body: { items: [{ assetId: still.body.id, key: 'note' }] } })).status).toBe(400);
    expect((await api.call('PUT', '/assets/metadata', { key: admin.apiKey, body: { items: [{ assetId: 'not-a-uuid', key: 'k', value: {} }] } })).status).toBe(400);
    expect((await api.call('DELETE', `/assets/${still.body.id}/metadata/note`, { key: admin.apiKey })).status).toBe(204);
    expect((await api.call('DELETE', `/assets/${still.body.id}/metadata/note`, { key: admin.apiKey })).status).toBe(204);
    expect((await api.call('DELETE', '/assets/metadata', { key: admin.apiKey, body: { items: [{ assetId: video.body.id, key: 'album-hint' }] } })).status).toBe(204);
    const left = await api.call<Json[]>('GET', `/assets/${still.body.id}/metadata`, { key: admin.apiKey });
    expect(left.body.map((m) => m.key)).toEqual(['album-hint', 'mobile-app']);
    expect((await api.call<Json[]>('GET', `/assets/${video.body.id}/metadata`, { key: admin.apiKey })).body).toEqual([]);
    // And the phone gets it back through sync (AssetMetadataV1).
    const lines = await api.syncLines(token, ['AssetMetadataV1']);
    const entries = lines.filter((l) => l.type === 'AssetMetadataV1').map((l) => l.data);
    for (const entry of entries) expectShape(entry, 'SyncAssetMetadataV1');
    expect(entries).toEqual(expect.arrayContaining([{ assetId: still.body.id, key: 'mobile-app', value: mobileApp }]));
  });

  it('finds places by name, accents aside, and explores places of five photos or more and the newest uploads', async () => {
    const places = async (name: string) => (await asApp('GET', `/search/places?name=${encodeURIComponent(name)}`)).body as unknown as Json[];
    for (const [query, first] of [['sao pa', 'São Paulo'], ['SÃO PA', 'São Paulo'], ['arezz', 'Arezzo'], ['lisb', 'Lisbon']]) {
      const found = await places(query!);
      expect(found[0]?.name, query).toBe(first);
      for (const place of found) expectShape(place, 'PlacesResponseDto');
    }
    expect(await places('zzzzqqq')).toEqual([]);
    expect((await asApp('GET', '/search/places')).status).toBe(400);
    expect((await asApp('GET', `/search/places?name=${'x'.repeat(300)}`)).status).toBe(400);
    // The still uploaded above was taken near Arezzo (its GPS). Explore shows a place, as Immich
    // does, once there are five photos of it; and the newest uploads.
    const city = await waitFor(async () => {
      const { body } = await asApp('GET', '/search/explore');
      return ((body as unknown as Json[])[1]?.items ?? []).map((i: Json) => i.data.exifInfo?.city as string | null).find(Boolean) ?? undefined;
    }, 'the photo placed');
    const explore = async (key: string) => (await api.call<Json[]>('GET', '/search/explore', { key })).body as unknown as Json[];
    expect((await explore(admin.apiKey))[0]).toEqual({ fieldName: 'exifInfo.city', items: [] });
    await insertSyntheticAssets(runtime.ports.db, admin.id, [1, 2, 3, 4].map((i) => ({ localDateTime: `2019-05-0${i}T10:00:00`, city, latitude: 43.46, longitude: 11.88 })));
    const [cities, recent] = await explore(admin.apiKey);
    expectShape(cities, 'SearchExploreResponseDto');
    expectShape(recent, 'SearchExploreResponseDto');
    expect(cities!.items.map((i: Json) => i.value)).toEqual([city]);
    expect(recent!.fieldName).toBe('createdAt');
    expect(recent!.items.length).toBeGreaterThan(0);
    // Bea has no photos: her explore is empty, never Ada's.
    expect(await explore(bea.apiKey)).toEqual([{ fieldName: 'exifInfo.city', items: [] }, { fieldName: 'createdAt', items: [] }]);
  });
});
