import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;

describe('camera RAW files', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
  });
  afterAll(async () => runtime?.close());

  it('shows a DNG through its embedded preview, with the camera’s EXIF and the sensor’s size', async () => {
    const id = await api.upload(user, await readMedia('photoprism__canon_eos_6d.dng'), 'IMG_1234.DNG');
    const body = (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
    expect(body).toMatchObject({ status: 'ready', originalMimeType: 'image/x-adobe-dng', localDateTime: '2019-06-06T07:29:51.000Z' });
    expect(body.exifInfo).toMatchObject({ make: 'Canon', model: 'Canon EOS 6D' });
    const thumbnail = await sharp((await api.media(`/assets/${id}/thumbnail`, user.apiKey)).bytes).metadata();
    expect(thumbnail).toMatchObject({ format: 'webp', height: 250 });
    expect(thumbnail.width! / thumbnail.height!).toBeCloseTo(1024 / 683, 1);
  });

  it('keeps the metadata of RAW stubs without image data and says why there is no preview', async () => {
    for (const [fixture, name, make] of [
      ['exiftool__Nikon.nef', 'DSC_0001.NEF', 'NIKON CORPORATION'],
      ['exiftool__CanonRaw.cr2', 'IMG_0001.CR2', 'Canon'],
      // Not TIFF underneath: EXIF from Canon's CMT boxes, from Fujifilm's embedded JPEG.
      ['exiftool__CanonRaw.cr3', 'IMG_0001.CR3', 'Canon'],
    ] as const) {
      const id = await api.upload(user, await readMedia(fixture), name);
      const body = (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
      expect(body.status, name).toBe('failed');
      expect(body.failedReason).toMatch(/no embedded preview/);
      expect(body.exifInfo.make).toBe(make);
      expect((await api.media(`/assets/${id}/original`, user.apiKey)).status).toBe(200);
    }
  });

  it('reads a Fujifilm RAF: EXIF and preview from the JPEG its header points at', async () => {
    const id = await api.upload(user, await readMedia('exiftool__FujiFilm.raf'), 'DSCF0001.RAF');
    const body = (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
    expect(body).toMatchObject({ status: 'ready', localDateTime: '2007-05-22T13:58:30.000Z' });
    expect(body.exifInfo).toMatchObject({ make: 'FUJIFILM', model: 'FinePix S5Pro' });
  });

  it('keeps a RAW format it can only recognise (Minolta MRW) instead of deleting it as not-media', async () => {
    const bytes = await readMedia('exiftool__Minolta.mrw');
    const id = await api.upload(user, bytes, 'PICT0001.MRW');
    const body = (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
    expect(body).toMatchObject({ status: 'failed', originalMimeType: 'image/x-minolta-mrw' });
    expect((await api.media(`/assets/${id}/original`, user.apiKey)).bytes.equals(bytes)).toBe(true);
  });
});
