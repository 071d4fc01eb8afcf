import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia, sha1Hex } from './media-samples.js';
import { apiClient, filesUnder, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

// A real full disk: a 1 MiB tmpfs mounted over the store's folder (root only; elsewhere skipped, saying why).
const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;

describe.skipIf(!canMount)(`a full disk${canMount ? '' : ' — skipped: mounting a small tmpfs needs root'}`, () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;
  let store: string;
  let big: Buffer;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600' });
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
    store = path.join(runtime.dataDir, 'store');
    await mkdir(store, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', store], { encoding: 'utf8' });
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
    // Bigger than the disk: ~2.5 MB of photo.
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    big = Buffer.concat(Array.from({ length: 30 }, () => photo));
  });
  afterAll(async () => {
    spawnSync('umount', ['-l', store]);
    await runtime?.close();
  });

  it('answers 507 "storage is full" to an Immich multipart upload, keeping nothing', async () => {
    const form = new FormData();
    form.append('assetData', new Blob([new Uint8Array(big)]), 'big.jpg');
    form.append('fileCreatedAt', new Date().toISOString());
    form.append('fileModifiedAt', new Date().toISOString());
    const response = await fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': user.apiKey }, body: form });
    expect(response.status).toBe(507);
    expect(((await response.json()) as { message: string }).message).toMatch(/storage is full/);
    expect(await filesUnder(store)).toEqual([]);
  });

  it('answers 507 to a presigned PUT, and the upload can be retried once there is room', async () => {
    const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', { key: user.apiKey, body: { fileName: 'big.jpg', size: big.length, checksum: sha1Hex(big) } });
    expect(ticket.status).toBe(201);
    const put = await fetch(ticket.body.upload.url, { method: 'PUT', body: new Uint8Array(big) });
    expect(put.status).toBe(507);
    expect(await filesUnder(store)).toEqual([]);
    expect((await api.call<{ status: string }>('GET', `/uploads/${ticket.body.id}`, { key: user.apiKey })).body.status).toBe('uploading');
    expect((await fetch(`${runtime.url}/api/server/ping`)).status).toBe(200);
  });
});
