import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { readMedia } from './media-samples.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

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
});
