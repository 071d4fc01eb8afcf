import { createHash } from 'node:crypto';
import { init, downloadAsset, getAssetInfo, playAssetVideo, uploadAsset, viewAsset, AssetMediaSize } from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { rawRequest } from './raw-request.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

const sha1 = (bytes: Buffer | Uint8Array) => createHash('sha1').update(bytes).digest('hex');

/**
 * A phone or another computer reaches the server by an address that is not `localhost`: the
 * server listens on 127.0.0.2 (any 127.x address is another host to a client) and an Immich SDK
 * client there uploads, then loads the thumbnail, the original byte for byte with its UTF-8
 * name, and a video by ranges — all answered in place, no redirect to an unreachable host.
 */
describe('reached from other devices, by any host name', () => {
  let runtime: TestRuntime;
  let base: string;
  let user: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.2' });
    base = `http://127.0.0.2:${runtime.port}`;
    user = await apiClient(base).signUpAdmin();
    init({ baseUrl: `${base}/api`, apiKey: user.apiKey });
  });
  afterAll(() => runtime?.close());

  async function uploadWithSdk(bytes: Buffer, name: string): Promise<string> {
    const created = await uploadAsset({
      assetMediaCreateDto: {
        assetData: new File([new Uint8Array(bytes)], name),
        fileCreatedAt: '2024-05-01T10:00:00.000Z',
        fileModifiedAt: '2024-05-01T10:00:00.000Z',
      },
    });
    await waitFor(async () => ((await getAssetInfo({ id: created.id })) as { status?: string }).status === 'ready' || undefined, `${name} processed`);
    return created.id;
  }

  it('uploads with the SDK and loads thumbnail and original (byte-identical, UTF-8 name) in place', async () => {
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const id = await uploadWithSdk(photo, 'Café_ü 東京.jpg');
    expect((await getAssetInfo({ id })).originalFileName).toBe('Café_ü 東京.jpg');
    const thumbnail = await viewAsset({ id, size: AssetMediaSize.Thumbnail });
    expect(thumbnail.size).toBeGreaterThan(100);
    const original = await downloadAsset({ id });
    expect(sha1(new Uint8Array(await original.arrayBuffer()))).toBe(sha1(photo));

    const response = await fetch(`${base}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey }, redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Cafe_u __.jpg"; filename*=UTF-8''Caf%C3%A9_%C3%BC%20%E6%9D%B1%E4%BA%AC.jpg`);
    const etag = response.headers.get('etag')!;
    await response.arrayBuffer();
    const again = await fetch(`${base}/api/assets/${id}/thumbnail`, { headers: { 'x-api-key': user.apiKey } });
    expect(again.headers.get('cache-control')).toContain('max-age=86400');
    const notModified = await fetch(`${base}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey, 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
  });

  it('keeps a macOS (NFD) name as sent, and finds it by its composed (NFC) spelling and its own', async () => {
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const decomposed = 'Cafe\u0301 Mu\u0308nchen.jpg';
    expect(decomposed).not.toBe(decomposed.normalize('NFC'));
    const id = await uploadWithSdk(Buffer.concat([photo, Buffer.from('nfd')]), decomposed);
    expect((await getAssetInfo({ id })).originalFileName).toBe(decomposed);
    for (const query of ['Café München', decomposed, 'münchen']) {
      const found = await apiClient(base).call<any>('POST', '/search/metadata', { key: user.apiKey, body: { originalFileName: query } });
      expect(found.body.assets.items.map((a: { id: string }) => a.id), query).toEqual([id]);
    }
    const response = await fetch(`${base}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey } });
    expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(decomposed)}`);
    await response.arrayBuffer();
  });

  it('plays a video by ranges, as a phone seeks', async () => {
    const video = await readMedia('photoprism__isom-avc1.mp4');
    const id = await uploadWithSdk(video, 'clip.mp4');
    const whole = await playAssetVideo({ id });
    expect(whole.size).toBeGreaterThan(1000);
    const ranged = await fetch(`${base}/api/assets/${id}/video/playback`, { headers: { 'x-api-key': user.apiKey, range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toMatch(/^bytes 100-199\/\d+$/);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    const past = await fetch(`${base}/api/assets/${id}/video/playback`, { headers: { 'x-api-key': user.apiKey, range: 'bytes=999999999-' } });
    expect(past.status).toBe(416);
  });

  it('signs upload URLs for the host the client used; forwarded headers count from a trusted proxy; the signature does not care', async () => {
    const ask = (headers: Record<string, string>) =>
      rawJson(runtime.port, '127.0.0.2', 'POST', '/api/uploads', { 'x-api-key': user.apiKey, ...headers }, { fileName: 'a.jpg', size: 5, checksum: sha1(Buffer.from(`${Math.random()}`)) });
    const byName = await ask({ host: `nas.local:${runtime.port}` });
    expect(byName.upload.url.startsWith(`http://nas.local:${runtime.port}/_blob/`)).toBe(true);
    // The test connects from loopback, which is trusted by default (a proxy on this machine).
    const proxied = await ask({ host: `127.0.0.2:${runtime.port}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'photos.example.com' });
    expect(proxied.upload.url.startsWith('https://photos.example.com/_blob/')).toBe(true);
    // A Host that is not a host name: Node refuses some outright; what gets through is not echoed.
    for (const host of ['evil.example/phish?', 'evil example', 'a@evil.example']) {
      const spoofed = await ask({ host }).catch((error: Error) => error);
      if (spoofed instanceof Error) expect(spoofed.message).toMatch(/^400/);
      else expect(spoofed.upload.url.startsWith(`http://127.0.0.2:${runtime.port}/_blob/`)).toBe(true);
    }
    // Sent to where the server really is, the URL signed for another name still works.
    const url = new URL(proxied.upload.url);
    const put = await fetch(`${base}${url.pathname}${url.search}`, { method: 'PUT', body: new Uint8Array(5) });
    expect(put.status).toBe(200);
  });

  it('ignores X-Forwarded-* from clients that are not trusted proxies', async () => {
    const strict = await startTestRuntime({ SHOEBOX_HOST: '127.0.0.3', SHOEBOX_TRUSTED_PROXIES: '10.0.0.0/8' });
    try {
      const admin = await apiClient(`http://127.0.0.3:${strict.port}`).signUpAdmin();
      const ticket = await rawJson(strict.port, '127.0.0.3', 'POST', '/api/uploads', { 'x-api-key': admin.apiKey, host: `127.0.0.3:${strict.port}`, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }, { fileName: 'b.jpg', size: 5, checksum: 'd'.repeat(40) });
      expect(ticket.upload.url.startsWith(`http://127.0.0.3:${strict.port}/_blob/`)).toBe(true);
    } finally {
      await strict.close();
    }
  });
});

/** A JSON request with headers fetch will not set (Host), answered as JSON; a refusal rejects with its status. */
async function rawJson(port: number, address: string, method: string, path: string, headers: Record<string, string>, body: unknown): Promise<any> {
  const response = await rawRequest(`http://${address}:${port}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  if (response.status >= 300) throw new Error(`${response.status} ${response.body.toString()}`);
  return JSON.parse(response.body.toString());
}
