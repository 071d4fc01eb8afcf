import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { colourPhoto } from './media-samples.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

/**
 * socket.io at /api/socket.io as the phone app connects to it (websocket transport, its
 * session in a header) from another address than localhost: uploads processed by the workers
 * arrive live at their owner and the partner they share with, trash and deletes too — and
 * never at a stranger or a connection without credentials. The owner also hears Immich's
 * on_upload_success and on_asset_update with the whole asset.
 */
describe('live updates over socket.io', () => {
  let runtime: TestRuntime;
  let base: string;
  let api: ReturnType<typeof apiClient>;
  let ada: TestUser;
  let bea: TestUser;
  let cleo: TestUser;
  const sockets: Socket[] = [];

  /** A connection that records every event it hears. */
  function connect(headers: Record<string, string>) {
    const socket = io(base, { path: '/api/socket.io', transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
    sockets.push(socket);
    const heard: { event: string; payload: any }[] = [];
    socket.onAny((event: string, payload: unknown) => heard.push({ event, payload }));
    const ready = new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', (error) => reject(error));
    });
    return { socket, heard, ready };
  }
  const token = async (email: string, password: string) =>
    (await api.call<Json>('POST', '/auth/login', { body: { email, password } })).body.accessToken as string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.4' });
    base = `http://127.0.0.4:${runtime.port}`;
    api = apiClient(base);
    ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(ada, 'bea@example.com');
    cleo = await api.createUser(ada, 'cleo@example.com');
    expect((await api.call('POST', '/partners', { key: ada.apiKey, body: { sharedWithId: bea.id } })).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await runtime?.close();
  });

  it('refuses a connection without credentials, or with a forged one', async () => {
    await expect(connect({}).ready).rejects.toThrow(/Authentication required/);
    await expect(connect({ 'x-immich-user-token': 'forged' }).ready).rejects.toThrow(/Authentication required/);
  });

  it('tells the owner and the partner, not a stranger, when an upload is ready, trashed, restored and deleted', { timeout: 60_000 }, async () => {
    const adas = connect({ 'x-immich-user-token': await token('ada@example.com', 'a long enough password') });
    const beas = connect({ cookie: `immich_access_token=${await token('bea@example.com', 'another good password')}` });
    const cleos = connect({ authorization: `Bearer ${await token('cleo@example.com', 'another good password')}` });
    await Promise.all([adas.ready, beas.ready, cleos.ready]);
    await waitFor(async () => (adas.heard.some((h) => h.event === 'on_server_version') ? true : undefined), 'the server version');
    expect(adas.heard.find((h) => h.event === 'on_server_version')!.payload).toEqual({ major: 3, minor: 2, patch: 2 });

    const id = await api.upload(ada, await colourPhoto(200, 30, 30, 7, 400, 300), 'live.jpg');
    for (const who of [adas, beas]) {
      const ready = await waitFor(async () => who.heard.find((h) => h.event === 'AssetUploadReadyV2' && h.payload.asset.id === id), 'AssetUploadReadyV2', 20_000);
      expect(immichShapeProblems(ready.payload.asset, 'SyncAssetV2')).toEqual([]);
      expect(immichShapeProblems(ready.payload.exif, 'SyncAssetExifV1')).toEqual([]);
      expect(ready.payload.asset).toMatchObject({ originalFileName: 'live.jpg', ownerId: ada.id });
    }
    // Immich's web app and tools wait for on_upload_success, then on_asset_update after an edit: the whole asset, for its owner.
    const uploaded = await waitFor(async () => adas.heard.find((h) => h.event === 'on_upload_success' && h.payload.id === id), 'on_upload_success', 20_000);
    expect(immichShapeProblems(uploaded.payload, 'AssetResponseDto')).toEqual([]);
    expect(uploaded.payload.exifInfo).toMatchObject({ exifImageWidth: 400, exifImageHeight: 300 });
    expect((await api.call('PUT', `/assets/${id}`, { key: ada.apiKey, body: { description: 'Ao vivo' } })).status).toBe(200);
    const updated = await waitFor(async () => adas.heard.find((h) => h.event === 'on_asset_update' && h.payload.id === id), 'on_asset_update', 20_000);
    expect(updated.payload.exifInfo.description).toBe('Ao vivo');
    expect(beas.heard.some((h) => h.event === 'on_upload_success' || h.event === 'on_asset_update')).toBe(false);
    expect((await api.call('DELETE', '/assets', { key: ada.apiKey, body: { ids: [id] } })).status).toBe(204);
    for (const who of [adas, beas]) await waitFor(async () => who.heard.find((h) => h.event === 'on_asset_trash' && h.payload.includes(id)), 'on_asset_trash', 20_000);
    expect((await api.call('POST', '/trash/restore/assets', { key: ada.apiKey, body: { ids: [id] } })).status).toBe(200);
    await waitFor(async () => adas.heard.find((h) => h.event === 'on_asset_restore' && h.payload.includes(id)), 'on_asset_restore', 20_000);
    expect((await api.call('DELETE', '/assets', { key: ada.apiKey, body: { ids: [id], force: true } })).status).toBe(204);
    for (const who of [adas, beas]) await waitFor(async () => who.heard.find((h) => h.event === 'on_asset_delete' && h.payload === id), 'on_asset_delete', 20_000);
    // A second beat for anything late: the stranger heard only the version.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(cleos.heard.map((h) => h.event)).toEqual(['on_server_version']);
    // A settings change is for everyone: the app reloads the server's config.
    const config = await api.call<Json>('GET', '/system-config', { key: ada.apiKey });
    expect((await api.call('PUT', '/system-config', { key: ada.apiKey, body: config.body })).status).toBe(200);
    for (const who of [adas, beas, cleos]) await waitFor(async () => who.heard.find((h) => h.event === 'on_config_update'), 'on_config_update', 20_000);
    expect(JSON.stringify(cleos.heard)).not.toContain(id);
    expect(cleo.id).toBeDefined();
  });
});
