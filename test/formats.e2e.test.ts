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

  it('makes previews of AVIF, animated GIF, TIFF and PNG; reports JPEG XL and BMP it cannot decode', async () => {
    const gif = await ffmpeg('anim.gif', []);
    const tiff = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#3a6' } }).tiff().toBuffer();
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: '#a36c' } }).png().toBuffer();
    for (const [bytes, name, mime] of [
      [await readMedia('exifr__Irvine_CA.avif'), 'Irvine.avif', 'image/avif'],
      [gif, 'anim.gif', 'image/gif'],
      [tiff, 'scan.tiff', 'image/tiff'],
      [png, 'screen.png', 'image/png'],
    ] as const) {
      expect(await settled(bytes, name), name).toMatchObject({ status: 'ready', originalMimeType: mime });
    }
    const jxl = await settled(await readMedia('test-assets__8bit-sRGB.jxl'), '8bit.jxl');
    expect(jxl).toMatchObject({ status: 'failed', originalMimeType: 'image/jxl' });
    expect(jxl.failedReason).toMatch(/cannot decode this image format/);
    const bmp = await settled(await ffmpeg('frame.bmp', ['-frames:v', '1']), 'frame.bmp');
    expect(bmp.status).toBe('failed');
    expect(bmp.failedReason).toMatch(/cannot decode|damaged/);
  });

  it('refuses SVG (scripts and external references have no place in a photo library)', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    const created = await api.call('POST', '/uploads', { key: user.apiKey, body: { fileName: 'x.svg', size: svg.length, checksum: sha1Hex(svg) } });
    expect(created.status).toBe(415);
  });
});
