import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SYNC_TYPES, immichShapeProblems, SYNC_LINE_SHAPES } from './immich-shapes.js';
import { colourPhoto, readMedia } from './media-samples.js';
import { rawRequest } from './raw-request.js';
import { apiClient, filesUnder, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
interface SyncLine {
  type: string;
  data: Json;
  ack: string;
}

const GiB = 1024 ** 3;

/**
 * A real MP4 made 2 GiB larger by a trailing `free` box with a 64-bit size — still a valid
 * file for ffprobe and exiftool — produced as it is sent: the test never holds it.
 */
function hugeVideo(mp4: Buffer, padding: number): { size: number; chunks: () => AsyncGenerator<Buffer> } {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0); // size 1: the real size follows as 64 bits
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(padding), 8);
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  return {
    size: mp4.length + padding,
    async *chunks() {
      yield mp4;
      yield header;
      for (let left = padding - header.length; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
    },
  };
}

/**
 * The Immich phone app from first launch to a reset, against one server at an address that is
 * not localhost, each step as the app's source makes it (mobile/lib, mobile/openapi): the
 * server-URL check, login, the user and preferences together, the live connection, a full sync
 * of every type with acks, backups (an iPhone live photo: the motion video first, then the still
 * naming it; a video over 2 GiB streamed), the live events for them, a partner's and an album
 * member's changes in the next delta, deletes as delete events, and a reset. Every JSON object
 * is checked against @immich/sdk 3.2.2's required fields.
 */
describe('the Immich app, start to finish', () => {
  let runtime: TestRuntime;
  let base: string;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let bea: TestUser;
  let cleo: TestUser;
  let socket: Socket | undefined;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.12' });
    base = `http://127.0.0.12:${runtime.port}`;
    api = apiClient(base);
    admin = await api.signUpAdmin('ada@example.com', 'a long enough password');
    bea = await api.createUser(admin, 'bea@example.com');
    cleo = await api.createUser(admin, 'cleo@example.com', 'another good password', { name: 'Cléo Dupré' });
  });
  afterAll(async () => {
    socket?.disconnect();
    await runtime?.close();
  });

  it('backs up, syncs and hears changes as the app does', { timeout: 600_000 }, async () => {
    const expectShape = (value: unknown, type: string) => expect(immichShapeProblems(value, type), type).toEqual([]);
    const asApp = async (method: string, route: string, body?: unknown) => api.call<Json>(method, route, { token, body });

    // 1. The server URL the user typed, then login.
    const wellKnown = await fetch(`${base}/.well-known/immich`);
    expect(await wellKnown.json()).toEqual({ api: { endpoint: '/api' } });
    expect((await api.call('GET', '/server/ping')).body).toEqual({ res: 'pong' });
    expectShape((await api.call('GET', '/server/version')).body, 'ServerVersionResponseDto');
    const login = await api.call<Json>('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } });
    expect(login.status).toBe(201);
    expectShape(login.body, 'LoginResponseDto');
    const token = login.body.accessToken as string;
    const [me, preferences] = await Promise.all([asApp('GET', '/users/me'), asApp('GET', '/users/me/preferences')]);
    expectShape(me.body, 'UserAdminResponseDto');
    expectShape(preferences.body, 'UserPreferencesResponseDto');

    // 2. The live connection, as the app opens it.
    socket = io(base, { path: '/api/socket.io', transports: ['websocket'], extraHeaders: { 'x-immich-user-token': token }, reconnection: false });
    const heard: { event: string; payload: any }[] = [];
    socket.onAny((event: string, payload: unknown) => heard.push({ event, payload }));
    await new Promise<void>((resolve, reject) => socket!.on('connect', resolve).on('connect_error', reject));

    // 3. The first sync: every type the app asks for; it acknowledges the last ack of each.
    const sync = async (body: Json = { types: APP_SYNC_TYPES }): Promise<SyncLine[]> => {
      const response = await fetch(`${base}/api/sync/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/jsonlines+json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/jsonlines+json');
      const lines = (await response.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as SyncLine);
      for (const l of lines) {
        expect(SYNC_LINE_SHAPES[l.type], `a line type the SDK has: ${l.type}`).toBeDefined();
        expectShape(l.data, SYNC_LINE_SHAPES[l.type]!);
      }
      expect(await api.ackLast(token, lines)).toBe(204);
      return lines;
    };
    const ofType = (lines: SyncLine[], type: string) => lines.filter((l) => l.type === type).map((l) => l.data);
    const first = await sync();
    expect(first.at(-1)!.type).toBe('SyncCompleteV1');
    expect(ofType(first, 'AuthUserV1')).toEqual([expect.objectContaining({ id: admin.id, email: 'ada@example.com' })]);
    expect(ofType(first, 'UserV1')).toHaveLength(3);
    expect(ofType(first, 'UserMetadataV1')).toEqual([{ userId: admin.id, key: 'preferences', value: {} }]);

    // 4. Backups, as the app's uploader sends them: multipart, its device fields, the session token.
    const form = (bytes: Buffer, name: string, fields: Record<string, string> = {}) => {
      const body = new FormData();
      body.append('deviceAssetId', `${name}-on-phone`);
      body.append('deviceId', 'ada-iphone');
      body.append('fileCreatedAt', '2025-08-01T10:00:00.000Z');
      body.append('fileModifiedAt', '2025-08-01T10:00:00.000Z');
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      body.append('assetData', new Blob([new Uint8Array(bytes)]), name);
      return body;
    };
    const backUp = async (bytes: Buffer, name: string, fields: Record<string, string> = {}) => {
      const response = await fetch(`${base}/api/assets`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form(bytes, name, fields) });
      const body = (await response.json()) as Json;
      expectShape(body, 'AssetMediaResponseDto');
      return { status: response.status, body };
    };
    const motion = await backUp(await readMedia('photoprism__isom-avc1.mp4'), 'IMG_0100.MOV');
    expect(motion.status).toBe(201);
    const stillBytes = await readMedia('exif-samples__DSCN0010.jpg');
    const still = await backUp(stillBytes, 'IMG_0100.JPG', {
      livePhotoVideoId: motion.body.id,
      metadata: JSON.stringify([{ key: 'mobile-app', value: { iCloudId: 'A1', createdAt: '2025-08-01T10:00:00.000Z', adjustmentTime: '', latitude: 0, longitude: 0 } }]),
    });
    expect(still.status).toBe(201);

    // A 2 GiB+ video, streamed: the server's memory must not follow the file's size.
    const video = hugeVideo(await readMedia('photoprism__isom-avc1.mp4'), 2 * GiB);
    const boundary = `----shoebox${Date.now()}`;
    const fields = { deviceAssetId: 'VID_0200.MP4-on-phone', deviceId: 'ada-iphone', fileCreatedAt: '2025-08-02T10:00:00.000Z', fileModifiedAt: '2025-08-02T10:00:00.000Z', duration: '0:00:01.000000' };
    const head = Buffer.from(
      Object.entries(fields).map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') +
        `--${boundary}\r\ncontent-disposition: form-data; name="assetData"; filename="VID_0200.MP4"\r\ncontent-type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const sha1 = createHash('sha1');
    const body = Readable.from(
      (async function* () {
        yield head;
        for await (const chunk of video.chunks()) {
          sha1.update(chunk);
          yield chunk;
        }
        yield tail;
      })(),
    );
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const started = Date.now();
    const big = await rawRequest(`${base}/api/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + video.size + tail.length) },
      body,
    }).finally(() => clearInterval(sampler));
    const seconds = (Date.now() - started) / 1000;
    expect(big.status, big.body.toString()).toBe(201);
    const bigId = (JSON.parse(big.body.toString()) as Json).id as string;
    // Client and server share this process: the growth bounds both together.
    const growthMb = (rssPeak - rssBefore) / 1024 ** 2;
    console.info(`2 GiB video received in ${seconds.toFixed(1)} s, process memory +${growthMb.toFixed(0)} MB`);
    expect(growthMb).toBeLessThan(300);
    const bigAsset = await waitFor(async () => {
      const { body: a } = await asApp('GET', `/assets/${bigId}`);
      return a.status === 'ready' || a.status === 'failed' ? a : undefined;
    }, 'the big video to be processed', 300_000);
    expect(bigAsset).toMatchObject({ status: 'ready', type: 'VIDEO', originalFileName: 'VID_0200.MP4', checksum: sha1.digest('base64') });
    expect(bigAsset.exifInfo.fileSizeInByte).toBe(video.size);
    // Killed mid-way, the app retries the whole file: already there, answered before the bytes are read.
    const retry = await rawRequest(`${base}/api/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-immich-checksum': createHash('sha1').update(stillBytes).digest('hex'), 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat([head, stillBytes, tail]),
    });
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body.toString())).toEqual({ id: still.body.id, status: 'duplicate' });
    expect((await filesUnder(`${runtime.dataDir}/store`)).filter((f) => f.includes('staging'))).toEqual([]);

    // 5. The live events: each backup is announced when it is ready, with its EXIF.
    for (const id of [still.body.id, bigId]) {
      const ready = await waitFor(async () => heard.find((h) => h.event === 'AssetUploadReadyV2' && h.payload.asset.id === id), `AssetUploadReadyV2 for ${id}`, 60_000);
      expectShape(ready.payload.asset, 'SyncAssetV2');
      expectShape(ready.payload.exif, 'SyncAssetExifV1');
    }

    // 6. The delta: Ada's backups, a partner who shares, an album another user shares with her.
    expect((await api.call('POST', '/partners', { key: bea.apiKey, body: { sharedWithId: admin.id } })).status).toBe(201);
    const beas = await api.upload(bea, await colourPhoto(30, 160, 30, 11), 'bea-garden.jpg');
    const cleos = await api.upload(cleo, await colourPhoto(30, 30, 160, 12), 'cléo-été.jpg');
    const album = await api.call<Json>('POST', '/albums', { key: cleo.apiKey, body: { albumName: 'Été à Lyon', assetIds: [cleos], albumUsers: [{ userId: admin.id, role: 'viewer' }] } });
    expect(album.status).toBe(201);
    const delta = await sync();
    expect(ofType(delta, 'AssetV2').map((a) => a.id).sort()).toEqual([motion.body.id, still.body.id, bigId].sort());
    expect(ofType(delta, 'AssetV2').find((a) => a.id === still.body.id)).toMatchObject({ livePhotoVideoId: motion.body.id });
    expect(ofType(delta, 'AssetV2').find((a) => a.id === motion.body.id)).toMatchObject({ visibility: 'hidden' });
    expect(ofType(delta, 'AssetMetadataV1')).toEqual([expect.objectContaining({ assetId: still.body.id, key: 'mobile-app' })]);
    expect(ofType(delta, 'PartnerV1')).toEqual([{ sharedById: bea.id, sharedWithId: admin.id, inTimeline: false }]);
    expect([...ofType(delta, 'PartnerAssetV2'), ...ofType(delta, 'PartnerAssetBackfillV2')].map((a) => a.id)).toEqual([beas]);
    expect(ofType(delta, 'AlbumV2')).toEqual([expect.objectContaining({ id: album.body.id, name: 'Été à Lyon' })]);
    expect(ofType(delta, 'AlbumToAssetV1')).toEqual([{ albumId: album.body.id, assetId: cleos }]);
    expect([...ofType(delta, 'AlbumAssetUpdateV2'), ...ofType(delta, 'AlbumAssetBackfillV2')].map((a) => a.id)).toEqual([cleos]);
    expect(await sync()).toEqual([expect.objectContaining({ type: 'SyncCompleteV1' })]);

    // 7. Deletes arrive as delete events: Ada's own, the partner's, the album's.
    expect((await asApp('DELETE', '/assets', { ids: [bigId], force: true })).status).toBe(204);
    expect((await api.call('DELETE', '/assets', { key: bea.apiKey, body: { ids: [beas], force: true } })).status).toBe(204);
    expect((await api.call('DELETE', `/albums/${album.body.id}`, { key: cleo.apiKey })).status).toBeLessThan(300);
    await waitFor(async () => heard.find((h) => h.event === 'on_asset_delete' && h.payload === bigId), 'on_asset_delete', 20_000);
    const deletes = await sync();
    expect(ofType(deletes, 'AssetDeleteV1')).toEqual([{ assetId: bigId }]);
    expect(ofType(deletes, 'PartnerAssetDeleteV1')).toEqual([{ assetId: beas }]);
    expect(ofType(deletes, 'AlbumDeleteV1')).toEqual([{ albumId: album.body.id }]);
    expect(await filesUnder(`${runtime.dataDir}/store`)).not.toEqual(expect.arrayContaining([expect.stringContaining(bigId)]));

    // 8. A reset: the app starts over and gets the whole library again.
    const again = await sync({ types: APP_SYNC_TYPES, reset: true });
    expect(ofType(again, 'AssetV2').map((a) => a.id).sort()).toEqual([motion.body.id, still.body.id].sort());
    expect(ofType(again, 'AuthUserV1')).toHaveLength(1);
  });
});
