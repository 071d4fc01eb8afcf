import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { rawRequest } from './raw-request.js';
import { PROXIES, startReverseProxy, type RunningProxy } from './reverse-proxies.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';
import { testToolMissing } from './tools/test-tools.js';

// Shoebox behind each proxy over HTTPS, started from the configuration files in deploy/ that
// the README shows: the URLs it hands out are the proxy's, cookies are Secure, uploads of
// hundreds of megabytes stream through, and downloads come back byte for byte.
describe.each(PROXIES)('behind $name over HTTPS', (proxy) => {
  const missing = testToolMissing(proxy.name, `apt-get install ${proxy.name}`);
  if (missing) {
    it.skip(`skipped: ${missing}`, () => undefined);
    return;
  }
  let runtime: TestRuntime;
  let running: RunningProxy;
  let work: string;
  let origin: string;
  let ca: Buffer;
  let user: TestUser;

  const request = (method: string, url: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}) => rawRequest(url, { method, ca, ...opts });
  const json = (body: Buffer) => JSON.parse(body.toString()) as any;
  /** Immich's multipart upload, as its clients send it (raw UTF-8 file name), through the proxy. */
  const immichUpload = (bytes: Buffer, fileName: string) => {
    const boundary = 'shoeboxboundary';
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const form = Buffer.concat([
      Buffer.from(field('fileCreatedAt', '2024-01-01T00:00:00.000Z') + field('fileModifiedAt', '2024-01-01T00:00:00.000Z')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="${fileName}"\r\nContent-Type: image/jpeg\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return request('POST', `${origin}/api/assets`, { headers: { 'x-api-key': user.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: form });
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), `shoebox-${proxy.name}-`));
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(8 * 1024 * 1024) });
    running = await startReverseProxy(proxy, work, proxy.name === 'caddy' ? '127.0.0.9' : '127.0.0.10', runtime.port);
    ({ origin, ca } = running);
    user = await apiClient(runtime.url).signUpAdmin('me@example.com', 'a long password');
  }, 120_000);
  afterAll(async () => {
    running?.stop();
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('logs in over HTTPS with a Secure cookie', async () => {
    const login = await request('POST', `${origin}/api/auth/login`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'me@example.com', password: 'a long password' }) });
    expect(login.status).toBe(201);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    expect(cookies.find((c) => c.startsWith('immich_access_token='))).toMatch(/; Secure/i);
  });

  it('uploads 20 MB in presigned parts through the proxy, at the proxy’s HTTPS URLs', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const checksum = createHash('sha1').update(bytes).digest('hex');
    const ticket = json((await request('POST', `${origin}/api/uploads`, { headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'big.jpg', size: bytes.length, checksum }) })).body);
    expect(ticket.upload.type).toBe('multipart');
    const parts: { partNumber: number; etag: string }[] = [];
    let offset = 0;
    for (const part of ticket.upload.parts as { partNumber: number; size: number; url: string }[]) {
      expect(part.url.startsWith(`${origin}/_blob/`)).toBe(true);
      const put = await request('PUT', part.url, { body: bytes.subarray(offset, offset + part.size) });
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: String(put.headers.etag) });
      offset += part.size;
    }
    const done = await request('POST', `${origin}/api/uploads/${ticket.id}/complete`, { headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ parts }) });
    expect(done.status).toBe(200);
  });

  it('takes an Immich multipart upload and serves its thumbnail through the proxy', async () => {
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const created = await immichUpload(photo, 'Überfahrt.jpg');
    expect(created.status).toBe(201);
    const id = json(created.body).id;
    await waitFor(async () => (json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).status === 'ready' ? true : undefined), 'processing');
    expect(json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).originalFileName).toBe('Überfahrt.jpg');
    const thumbnail = await request('GET', `${origin}/api/assets/${id}/thumbnail`, { headers: { 'x-api-key': user.apiKey } });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    const original = await request('GET', `${origin}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey } });
    expect(original.body.equals(photo)).toBe(true);
  });

  it('streams a 256 MB Immich upload through, and the original back byte for byte', { timeout: 180_000 }, async () => {
    // A real JPEG with 256 MB after it: decodable, and as big as a long phone video.
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const bytes = Buffer.concat([photo, randomBytes(256 * 1024 * 1024)]);
    const created = await immichUpload(bytes, 'groß.jpg');
    const log = proxy.name === 'caddy' ? await readFile(path.join(work, 'caddy.log'), 'utf8').catch(() => '') : await readFile(path.join(work, 'error.log'), 'utf8').catch(() => '');
    expect(created.status, `${created.body.toString().slice(0, 300)}\n${log.slice(-3000)}`).toBe(201);
    const id = json(created.body).id;
    await waitFor(async () => (json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).status === 'ready' ? true : undefined), 'processing', 120_000);
    const original = await request('GET', `${origin}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey } });
    expect(original.status).toBe(200);
    expect(original.body.length).toBe(bytes.length);
    expect(createHash('sha1').update(original.body).digest('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
  });

  it('passes websockets through: the phone app’s socket.io connects and hears the server', async () => {
    const socket = io(origin, { path: '/api/socket.io', transports: ['websocket'], extraHeaders: { 'x-api-key': user.apiKey }, ca: ca.toString(), reconnection: false, forceNew: true });
    try {
      const version = await new Promise<unknown>((resolve, reject) => {
        socket.on('on_server_version', resolve);
        socket.on('connect_error', reject);
      });
      expect(version).toEqual({ major: 3, minor: 2, patch: 2 });
    } finally {
      socket.disconnect();
    }
  });
});
