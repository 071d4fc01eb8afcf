import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { probeVideo } from '../core/media/probe-video.js';
import { readMedia } from './media-samples.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const run = promisify(execFile);

/** Test clips made with the same ffmpeg the server uses: real encoders, known content. */
async function makeClip(dir: string, name: string, args: string[]): Promise<Buffer> {
  const file = path.join(dir, name);
  await run(ffmpegPath(), ['-hide_banner', '-v', 'error', '-y', ...args, file], { timeout: 120_000 });
  return readFile(file);
}

describe('videos: metadata, posters, browser-playable encodings, playback', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;
  let work: string;
  const clips: Record<string, Buffer> = {};

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_TRANSCODE_WORKERS: '2' });
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-video-'));
    const picture = (size: string, seconds: number) => ['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30`, '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', String(seconds)];
    clips.h264 = await makeClip(work, 'h264.mp4', [...picture('1280x720', 3), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-metadata', 'creation_time=2021-05-05T10:00:00Z']);
    clips.hevc = await makeClip(work, 'hevc.mp4', [...picture('1920x1080', 2), '-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', '-c:a', 'aac']);
    clips.vp9 = await makeClip(work, 'vp9.webm', [...picture('640x360', 2), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus']);
    // A phone's portrait MOV: recorded sideways with a rotation, Apple's own tags for place, camera and local time.
    const sideways = await makeClip(work, 'sideways.mov', [...picture('1280x720', 2), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac']);
    expect(sideways.length).toBeGreaterThan(0);
    clips.phone = await makeClip(work, 'phone.mov', [
      '-i', path.join(work, 'sideways.mov'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-movflags', 'use_metadata_tags',
      '-metadata', 'com.apple.quicktime.location.ISO6709=+38.7223-009.1393/', '-metadata', 'com.apple.quicktime.make=Apple',
      '-metadata', 'com.apple.quicktime.model=iPhone 12', '-metadata', 'com.apple.quicktime.creationdate=2022-07-01T18:30:00+0100',
    ]);
    clips.audioOnly = await makeClip(work, 'audio.mp4', ['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-c:a', 'aac']);
  }, 180_000);
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const asset = async (id: string) => (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;
  /** Uploads, then waits for the transcode stage too (its outcome is in asset_job_status). */
  async function uploadVideo(bytes: Buffer, fileName: string): Promise<Json> {
    const id = await api.upload(user, bytes, fileName);
    const body = await asset(id);
    if (body.status === 'ready') {
      await waitFor(async () => {
        const { rows } = await runtime.ports.db.query(`SELECT 1 FROM asset_job_status WHERE asset_id = $1 AND stage = 'transcode'`, [id]);
        return rows.length ? true : undefined;
      }, `${fileName} to be transcoded or found playable`, 120_000);
    }
    return asset(id);
  }
  const transcodeOutcome = async (id: string) =>
    (await runtime.ports.db.query<{ status: string; error: string | null }>(`SELECT status, error FROM asset_job_status WHERE asset_id = $1 AND stage = 'transcode'`, [id])).rows[0];
  const playback = async (id: string) => {
    const played = await api.media(`/assets/${id}/video/playback`, user.apiKey);
    expect(played.status).toBe(200);
    return played;
  };
  const poster = async (id: string) => {
    const preview = await api.media(`/assets/${id}/thumbnail?size=preview`, user.apiKey);
    expect(preview.status).toBe(200);
    return sharp(preview.bytes).metadata();
  };

  it('plays an H.264/AAC MP4 as it is: duration, size, date, a poster, no transcode, seekable', async () => {
    const body = await uploadVideo(clips.h264!, 'clip.mp4');
    expect(body).toMatchObject({ status: 'ready', type: 'VIDEO', width: 1280, height: 720, duration: '0:00:03.000', localDateTime: '2021-05-05T10:00:00.000Z' });
    expect((await poster(body.id)).format).toBe('jpeg');
    expect(await transcodeOutcome(body.id)).toEqual({ status: 'skipped', error: null });
    expect((await playback(body.id)).bytes.equals(clips.h264!)).toBe(true);
    const ranged = await api.media(`/assets/${body.id}/video/playback`, user.apiKey, { range: 'bytes=0-99' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${clips.h264!.length}`);
  });

  it.each([
    ['HEVC', 'hevc', 'hevc.mp4', 1280, 720],
    ['VP9/Opus in WebM', 'vp9', 'vp9.webm', 640, 360],
  ])('converts %s into a faststart H.264/AAC MP4 of at most 720p', async (_name, clip, fileName, width, height) => {
    const body = await uploadVideo(clips[clip]!, fileName);
    expect(body.status).toBe('ready');
    expect(await transcodeOutcome(body.id)).toEqual({ status: 'done', error: null });
    const encoded = (await playback(body.id)).bytes;
    const file = path.join(work, `encoded-${clip}.mp4`);
    await import('node:fs/promises').then((fs) => fs.writeFile(file, encoded));
    const info = await probeVideo(file);
    expect(info).toMatchObject({ videoCodec: 'h264', audioCodec: 'aac', pixelFormat: 'yuv420p', width, height });
    // Faststart: the index (moov) comes before the media data (mdat), so playback starts at once.
    expect(encoded.indexOf('moov')).toBeLessThan(encoded.indexOf('mdat'));
    // The original is untouched.
    expect((await api.media(`/assets/${body.id}/original`, user.apiKey)).bytes.equals(clips[clip]!)).toBe(true);
  });

  it('reads a phone MOV: rotation, camera, place and local time from QuickTime tags', async () => {
    const body = await uploadVideo(clips.phone!, 'IMG_0042.MOV');
    expect(body).toMatchObject({ status: 'ready', width: 720, height: 1280, localDateTime: '2022-07-01T18:30:00.000Z', fileCreatedAt: '2022-07-01T17:30:00.000Z' });
    expect(body.exifInfo).toMatchObject({ make: 'Apple', model: 'iPhone 12', city: 'Lisbon', timeZone: 'UTC+1' });
    const frame = await poster(body.id);
    expect(frame.height!).toBeGreaterThan(frame.width!);
  });

  it('keeps what it can read of a movie its ffmpeg cannot decode (an old camera’s MJPEG MOV), and says why', async () => {
    // ffprobe reads this photoprism sample; the packaged ffmpeg 4.1 decodes none of its frames.
    const body = await uploadVideo(await readMedia('photoprism__quicktime-jpeg.mov'), 'MVI_0001.MOV');
    expect(body).toMatchObject({ status: 'failed', width: 434, height: 343, localDateTime: '2003-06-29T17:17:17.000Z', duration: '0:00:41.667' });
    expect(body.failedReason).toMatch(/No frame of the video can be decoded/);
    expect((await api.media(`/assets/${body.id}/original`, user.apiKey)).status).toBe(200);
  });

  it('marks a truncated video and a file with no video stream failed with a reason, originals kept', async () => {
    const cut = clips.h264!.subarray(0, Math.floor(clips.h264!.length * 0.4));
    for (const [bytes, name, reason] of [
      [cut, 'cut.mp4', /damaged|moov|read/i],
      [clips.audioOnly!, 'sound-only.mp4', /no video stream/i],
    ] as const) {
      const body = await uploadVideo(bytes, name);
      expect(body.status, name).toBe('failed');
      expect(body.failedReason).toMatch(reason);
      expect((await api.media(`/assets/${body.id}/original`, user.apiKey)).bytes.equals(bytes)).toBe(true);
    }
    const photo = await api.upload(user, await readMedia('exifr__noexif.jpg'), 'photo.jpg');
    expect((await api.call('GET', `/assets/${photo}/video/playback`, { key: user.apiKey })).status).toBe(400);
  });
});
