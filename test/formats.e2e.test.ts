import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { readMedia, sha1Hex } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const run = promisify(execFile);

/** Every container and picture format a camera or phone makes, each through the whole pipeline. */
describe('formats', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;
  let work: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-formats-'));
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const ffmpeg = async (name: string, args: string[]) => {
    const file = path.join(work, name);
    await run(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=25', '-t', '1', ...args, file]);
    return readFile(file);
  };
  const bytesOf = async (route: string) => Buffer.from(await (await fetch(`${runtime.url}/api${route}`, { headers: { 'x-api-key': user.apiKey } })).arrayBuffer());
  const settled = async (bytes: Buffer, name: string) => (await api.call<Json>('GET', `/assets/${await api.upload(user, bytes, name)}`, { key: user.apiKey })).body;

  it.each([
    ['Matroska (H.264)', 'clip.mkv', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']],
    ['AVI (MPEG-4 Part 2)', 'clip.avi', ['-c:v', 'mpeg4']],
    ['MPEG-2 program stream', 'clip.mpg', ['-c:v', 'mpeg2video', '-f', 'mpeg']],
    ['AVCHD transport stream', '00001.MTS', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mpegts']],
    ['3GP', 'clip.3gp', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-s', '352x288']],
  ])('%s: a poster and a size', async (_name, fileName, args) => {
    const body = await settled(await ffmpeg(fileName, args as string[]), fileName);
    expect(body).toMatchObject({ status: 'ready', type: 'VIDEO' });
    expect(body.width).toBeGreaterThan(0);
  });

  it('makes previews of AVIF, animated GIF, TIFF, PNG, JPEG XL and BMP', async () => {
    const gif = await ffmpeg('anim.gif', []);
    const photo = sharp(await readMedia('exif-samples__DSCN0010.jpg')).resize(300, 200, { fit: 'fill' });
    const tiff = await photo.clone().tiff().toBuffer();
    const png = await photo.clone().ensureAlpha(0.8).png().toBuffer();
    const bmp = await ffmpeg('frame.bmp', ['-frames:v', '1']);
    for (const [bytes, name, mime, width] of [
      [await readMedia('exifr__Irvine_CA.avif'), 'Irvine.avif', 'image/avif', 480],
      [gif, 'anim.gif', 'image/gif', 640],
      [tiff, 'scan.tiff', 'image/tiff', 300],
      [png, 'screen.png', 'image/png', 300],
      [await readMedia('test-assets__8bit-sRGB.jxl'), '8bit.jxl', 'image/jxl', 1440],
      [bmp, 'frame.bmp', 'image/bmp', 640],
    ] as const) {
      const asset = await settled(bytes, name);
      expect(asset, name).toMatchObject({ status: 'ready', originalMimeType: mime, width });
      // The preview is a real picture, not a blank: testsrc and the photos have many colours.
      const { channels } = await sharp(await bytesOf(`/assets/${asset.id}/thumbnail?size=preview`)).stats();
      expect(channels[0]!.stdev, name).toBeGreaterThan(10);
    }
  });

  it('fails a JPEG XL or BMP that is cut short with the reason, keeping the original', async () => {
    const jxl = await readMedia('test-assets__8bit-sRGB.jxl');
    const cut = await settled(jxl.subarray(0, 200_000), 'cut.jxl');
    expect(cut).toMatchObject({ status: 'failed', originalMimeType: 'image/jxl' });
    expect(cut.failedReason).toMatch(/JPEG XL image is damaged/);
    const bmp = await ffmpeg('short.bmp', ['-frames:v', '1']);
    const short = await settled(bmp.subarray(0, 5000), 'short.bmp');
    expect(short.status).toBe('failed');
    expect(short.failedReason).toMatch(/BMP image is damaged/);
    expect((await bytesOf(`/assets/${short.id}/original`)).equals(bmp.subarray(0, 5000))).toBe(true);
  });

  it('refuses SVG (scripts and external references have no place in a photo library)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    const created = await api.call('POST', '/uploads', { key: user.apiKey, body: { fileName: 'x.svg', size: svg.length, checksum: sha1Hex(svg) } });
    expect(created.status).toBe(415);
  });
});
