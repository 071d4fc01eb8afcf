import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

describe('HEIC/HEIF photos from iPhone, Samsung and Nokia', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
  });
  afterAll(async () => runtime?.close());

  const asset = async (id: string) => (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
  const image = async (id: string, size: 'thumbnail' | 'preview') => {
    const file = await api.media(`/assets/${id}/thumbnail?size=${size}`, user.apiKey);
    expect(file.status).toBe(200);
    return sharp(file.bytes).metadata();
  };

  it.each([
    ['photoprism__iphone_7.heic', 'IMG_0007.HEIC', { make: 'Apple' }, 4032, 3024],
    ['test-assets__samsung-one-ui-6.heic', '20240101_120000.heic', { make: 'samsung' }, 3000, 4000],
    // Nokia writes no make, but exposure and GPS.
    ['exif-samples__HMD_Nokia_8.3_5G_hdr.heif', 'nokia.heif', { iso: 100, fNumber: 1.89, city: 'Colmenar Viejo' }, 4608, 3456],
  ])('%s: EXIF, dimensions as shown, a WebP thumbnail and a JPEG preview', async (fixture, fileName, exif, width, height) => {
    const id = await api.upload(user, await readMedia(fixture), fileName);
    const body = await asset(id);
    expect(body).toMatchObject({ status: 'ready', type: 'IMAGE', width, height, originalMimeType: expect.stringMatching(/^image\/hei[cf]$/) });
    expect(body.exifInfo).toMatchObject(exif);
    expect(body.thumbhash).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    const thumbnail = await image(id, 'thumbnail');
    expect(thumbnail.format).toBe('webp');
    expect(Math.min(thumbnail.width!, thumbnail.height!)).toBe(250);
    // Portrait stays portrait, landscape landscape: the decoder applies the file's rotation.
    expect(thumbnail.width! > thumbnail.height!).toBe(width > height);
    const preview = await image(id, 'preview');
    expect(preview.format).toBe('jpeg');
    expect(Math.min(preview.width!, preview.height!)).toBe(1440);
  });

  it('treats a JPEG named .heic as the JPEG it is, and a damaged HEIC as failed with its original kept', async () => {
    const jpeg = await api.upload(user, await readMedia('exif-samples__DSCN0010.jpg'), 'really-a-jpeg.heic');
    expect(await asset(jpeg)).toMatchObject({ status: 'ready', originalMimeType: 'image/jpeg' });

    const truncated = (await readMedia('photoprism__iphone_7.heic')).subarray(0, 200_000);
    const broken = await api.upload(user, truncated, 'cut-short.heic');
    const body = await asset(broken);
    expect(body.status).toBe('failed');
    expect(body.failedReason).toMatch(/HEIF|damaged|decode/i);
    expect((await api.media(`/assets/${broken}/original`, user.apiKey)).bytes.equals(truncated)).toBe(true);
  });
});
