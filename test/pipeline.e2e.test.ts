import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

const media = (name: string) => path.join(import.meta.dirname, 'fixtures/media', name);
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

type Ticket = {
  id: string;
  status: string;
  upload?: { type: 'single'; url: string } | { type: 'multipart'; parts: Array<{ partNumber: number; url: string; size: number }> };
};
type AssetBody = {
  status: string;
  failedReason: string | null;
  exifInfo?: Record<string, unknown>;
  width: number;
  height: number;
  thumbhash: string | null;
  localDateTime: string;
};

describe('the embedded pipeline, end to end over HTTP', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(5 * 1024 * 1024) });
    api = apiClient(runtime.url);
    admin = await api.signUpAdmin();
  });
  afterAll(async () => runtime?.close());

  async function waitForAsset(id: string, user = admin): Promise<AssetBody> {
    return waitFor(async () => {
      const { body } = await api.call<AssetBody>('GET', `/assets/${id}`, { key: user.apiKey });
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, `asset ${id} to finish processing`);
  }

  it('uploads a photo through a presigned PUT and serves its EXIF, thumbnail and preview', async () => {
    const bytes = await readFile(media('exif-samples__iphone_hdr_YES.jpg'));
    const created = await api.call<Ticket>('POST', '/uploads', {
      key: admin.apiKey,
      body: { fileName: 'IMG_0001.jpg', size: bytes.length, checksum: sha1(bytes) },
    });
    expect(created.status).toBe(201);
    expect(created.body.upload?.type).toBe('single');
    const put = await fetch((created.body.upload as { url: string }).url, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);

    const asset = await waitForAsset(created.body.id);
    expect(asset.status).toBe('ready');
    // A client that completes a single PUT after the pipeline took it hears where it stands.
    const late = await api.call<{ status: string }>('POST', `/uploads/${created.body.id}/complete`, { key: admin.apiKey, body: { parts: [] } });
    expect(late.status).toBe(200);
    expect(late.body.status).toBe('ready');
    expect(asset.width).toBe(3264);
    expect(asset.height).toBe(2448);
    expect(asset.thumbhash).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(asset.exifInfo).toMatchObject({ make: 'Apple', model: 'iPhone 6', iso: 32, fNumber: 2.2, exposureTime: '1/40', timeZone: 'UTC+2' });
    expect(asset.exifInfo?.latitude).toBeCloseTo(40.447, 3);
    // Local 20:12:23 in Madrid (GPS says 18:12:23 UTC).
    expect(asset.exifInfo?.dateTimeOriginal).toBe('2015-04-10T18:12:23.55+00:00');
    // The wall clock in Madrid, with milliseconds as Immich writes them (Postgres prints '.55').
    expect(asset.localDateTime).toBe('2015-04-10T20:12:23.550Z');

    for (const [size, format, shorter] of [['thumbnail', 'webp', 250], ['preview', 'jpeg', 1440]] as const) {
      const thumbnail = await api.media(`/assets/${created.body.id}/thumbnail?size=${size}`, admin.apiKey);
      expect(thumbnail.status).toBe(200);
      const image = thumbnail.bytes;
      const meta = await sharp(image).metadata();
      expect(meta.format).toBe(format);
      expect(Math.min(meta.width!, meta.height!)).toBe(shorter);
    }

    const downloaded = await api.media(`/assets/${created.body.id}/original`, admin.apiKey);
    expect(downloaded.headers.get('content-disposition')).toContain('IMG_0001.jpg');
    expect(sha1(downloaded.bytes)).toBe(sha1(bytes));
  });

  it('uploads a large file in parts and assembles it byte for byte', async () => {
    const bytes = await sharp(media('exifr__canon-dslr.jpg')).png({ compressionLevel: 1 }).toBuffer();
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024);
    const created = await api.call<Ticket>('POST', '/uploads', {
      key: admin.apiKey,
      body: { fileName: 'big.png', size: bytes.length, checksum: sha1(bytes) },
    });
    expect(created.status).toBe(201);
    const upload = created.body.upload as Extract<Ticket['upload'], { type: 'multipart' }>;
    expect(upload.type).toBe('multipart');
    expect(upload.parts.length).toBe(Math.ceil(bytes.length / (5 * 1024 * 1024)));
    const parts: Array<{ partNumber: number; etag: string }> = [];
    let offset = 0;
    for (const part of upload.parts) {
      const response = await fetch(part.url, { method: 'PUT', body: bytes.subarray(offset, offset + part.size) });
      expect(response.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag')! });
      offset += part.size;
    }
    // Completed twice at once (a retry racing the first call): both answer with the upload's status.
    const complete = () => api.call('POST', `/uploads/${created.body.id}/complete`, { key: admin.apiKey, body: { parts } });
    const [done, again] = await Promise.all([complete(), complete()]);
    expect([done.status, again.status]).toEqual([200, 200]);
    const asset = await waitForAsset(created.body.id);
    expect((await complete()).status).toBe(200); // and once more, long after
    expect(asset).toMatchObject({ status: 'ready', width: 5184, height: 3456 });
    expect(sha1((await api.media(`/assets/${created.body.id}/original`, admin.apiKey)).bytes)).toBe(sha1(bytes));
  });

  it('answers a second upload of the same bytes with the existing asset, storing nothing', async () => {
    const bytes = await readFile(media('exif-samples__Canon_40D.jpg'));
    const body = { fileName: 'a.jpg', size: bytes.length, checksum: sha1(bytes) };
    const first = await api.call<Ticket>('POST', '/uploads', { key: admin.apiKey, body });
    await fetch((first.body.upload as { url: string }).url, { method: 'PUT', body: bytes });
    await waitForAsset(first.body.id);
    const second = await api.call<Ticket>('POST', '/uploads', { key: admin.apiKey, body: { ...body, fileName: 'copy.jpg' } });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, status: 'duplicate' });
    expect(second.body.upload).toBeUndefined();
    const check = await api.call<{ results: unknown[] }>('POST', '/assets/bulk-upload-check', {
      key: admin.apiKey,
      body: { assets: [{ id: 'x', checksum: Buffer.from(sha1(bytes), 'hex').toString('base64') }, { id: 'y', checksum: 'f'.repeat(40) }] },
    });
    expect(check.body.results).toEqual([
      { id: 'x', action: 'reject', reason: 'duplicate', assetId: first.body.id, isTrashed: false },
      { id: 'y', action: 'accept' },
    ]);
  });

  it('accepts Immich multipart POST /api/assets and reports duplicates', async () => {
    const bytes = await readFile(media('exif-samples__DSCN0010.jpg'));
    const form = () => {
      const data = new FormData();
      data.append('fileCreatedAt', '2020-01-01T00:00:00.000Z');
      data.append('fileModifiedAt', '2020-01-01T00:00:00.000Z');
      data.append('assetData', new Blob([bytes]), 'DSCN0010.jpg');
      return data;
    };
    const post = () => fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': admin.apiKey }, body: form() });
    const first = await post();
    expect(first.status).toBe(201);
    const { id, status } = (await first.json()) as { id: string; status: string };
    expect(status).toBe('created');
    const asset = await waitForAsset(id);
    expect(asset.status).toBe('ready');
    expect(asset.exifInfo).toMatchObject({ make: 'NIKON', model: 'COOLPIX P6000' });
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id, status: 'duplicate' });
  });
});
