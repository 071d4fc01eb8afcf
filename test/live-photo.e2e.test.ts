import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { readMedia } from './media-samples.js';
import { getAsset } from '../core/assets/asset-queries.js';
import { extractMetadata } from '../functions/metadata/extract-metadata.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const run = promisify(execFile);
// The ContentIdentifier in this real iPhone photo's Apple MakerNote (exif-samples IMG_5195.HEIC).
const CONTENT_ID = '570F1469-09C7-4E50-9875-05F21D5BD166';

describe('live photos: an iPhone still and its MOV become one asset, whichever arrives first', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let work: string;
  let still: Buffer;
  let motion: Buffer;
  let stranger: Buffer;

  /** A short MOV carrying Apple's content identifier, as an iPhone writes the motion half. */
  async function movWithIdentifier(name: string, identifier: string): Promise<Buffer> {
    const file = path.join(work, name);
    await run(ffmpegPath(), [
      '-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30', '-t', '1.5',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', 'use_metadata_tags',
      '-metadata', `com.apple.quicktime.content.identifier=${identifier}`, file,
    ]);
    return readFile(file);
  }

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    admin = await api.signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-live-'));
    still = await readMedia('exif-samples__IMG_5195.HEIC');
    motion = await movWithIdentifier('IMG_5195.MOV', CONTENT_ID);
    stranger = await movWithIdentifier('IMG_9999.MOV', '00000000-1111-2222-3333-444444444444');
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const asset = async (user: TestUser, id: string) => (await api.call<Json>('GET', `/assets/${id}`, { key: user.apiKey })).body;

  it.each([
    ['still first', ['still', 'motion']],
    ['video first', ['motion', 'still']],
  ])('%s', async (_name, order) => {
    const user = await api.createUser(admin, `${order[0]}@example.com`);
    const ids: Record<string, string> = {};
    for (const part of order) ids[part] = await api.upload(user, part === 'still' ? still : motion, part === 'still' ? 'IMG_5195.HEIC' : 'IMG_5195.MOV');
    ids.stranger = await api.upload(user, stranger, 'IMG_9999.MOV');
    expect((await asset(user, ids.still!)).livePhotoVideoId).toBe(ids.motion);
    expect((await asset(user, ids.motion!)).visibility).toBe('hidden');
    expect((await asset(user, ids.stranger!)).visibility).toBe('timeline');
    // The timeline shows the still and the unrelated video; the motion half stays behind the still.
    const { body } = await api.call<Json[]>('GET', '/timeline/buckets', { key: user.apiKey });
    expect(body.reduce((sum, b) => sum + b.count, 0)).toBe(2);
  });

  it('never pairs halves of different owners', async () => {
    const a = await api.createUser(admin, 'a@example.com');
    const b = await api.createUser(admin, 'b@example.com');
    const stillOfA = await api.upload(a, still, 'IMG_5195.HEIC');
    const motionOfB = await api.upload(b, motion, 'IMG_5195.MOV');
    expect((await asset(a, stillOfA)).livePhotoVideoId).toBeNull();
    expect((await asset(b, motionOfB)).visibility).toBe('timeline');
  });

  it('takes the video out of a Samsung motion photo, once, as the still’s hidden motion part', async () => {
    const user = await api.createUser(admin, 'samsung@example.com');
    const bytes = await readMedia('test-fixtures__motionphoto.heic');
    const id = await api.upload(user, bytes, '20230812_101010.heic');
    const photo = await asset(user, id);
    expect(photo.status).toBe('ready');
    expect(photo.livePhotoVideoId).toBeTruthy();
    const motion = await waitFor(async () => {
      const body = await asset(user, photo.livePhotoVideoId);
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, 'the motion part to be processed');
    expect(motion).toMatchObject({ status: 'ready', type: 'VIDEO', visibility: 'hidden', originalFileName: '20230812_101010.MP4' });
    expect(motion.duration).not.toBe('0:00:00.000');
    // The photo's own bytes are untouched.
    expect((await api.media(`/assets/${id}/original`, user.apiKey)).bytes.equals(bytes)).toBe(true);
    // Reading the photo again finds the video it made, and makes no other.
    const row = (await getAsset(runtime.ports.db, id))!;
    await extractMetadata({ bucket: 'shoebox', key: row.originalPath, size: bytes.length, etag: undefined }, runtime.ports);
    const { body } = await api.call<Json>('POST', '/search/metadata', { key: user.apiKey, body: {} });
    expect(body.assets.total).toBe(2);
    expect((await api.call<Json[]>('GET', '/timeline/buckets', { key: user.apiKey })).body.reduce((sum: number, b: Json) => sum + b.count, 0)).toBe(1);
  });
});
