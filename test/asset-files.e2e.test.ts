import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../core/media/ffmpeg.js';
import { immichShapeProblems } from './immich-shapes.js';
import { colourPhoto } from './media-samples.js';
import { startHousehold, waitFor, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.44';

/** One second of HEVC, which the transcode stage turns into H.264 (an encoded_video file). */
async function hevcClip(): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-asset-files-'));
  const file = path.join(dir, 'clip.mp4');
  await promisify(execFile)(ffmpegPath(), ['-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '1', '-c:v', 'libx265', '-preset', 'ultrafast', '-tag:v', 'hvc1', file], { timeout: 120_000 });
  const bytes = await readFile(file);
  await rm(dir, { recursive: true, force: true });
  return bytes;
}

/**
 * Immich 3.2's asset-file API (the derived files of an asset, the owner's alone), and what
 * Shoebox answers where Immich's features are off here: real-time HLS and OCR.
 */
describe('asset files, HLS and OCR as Immich 3.2 answers them', () => {
  let h: Household;
  let photo: string;
  let video: string;
  const send = (user: TestUser | undefined, method: string, route: string, body?: unknown) => h.api.call<Json>(method, route, { key: user?.apiKey, body });
  const files = async (assetId: string, query = '') => (await send(h.ada, 'GET', `/asset-files?assetId=${assetId}${query}`)).body as unknown as Json[];

  beforeAll(async () => {
    h = await startHousehold(HOST, [['ada', 'bea']]);
    photo = await h.api.upload(h.ada, await colourPhoto(200, 120, 40, 1, 1600, 1200), 'Fächer.jpg');
    video = await h.api.upload(h.ada, await hevcClip(), 'clip.mp4');
  });
  afterAll(() => h?.runtime.close());

  it('lists, reads and downloads the thumbnails, previews and encodings made from your assets', async () => {
    const listed = await files(photo);
    expect(listed.map((f) => f.type).sort()).toEqual(['preview', 'thumbnail']);
    for (const file of listed) expect(immichShapeProblems(file, 'AssetFileResponseDto')).toEqual([]);
    expect(listed.every((f) => f.isEdited === false && f.isProgressive === false && f.isTransparent === false)).toBe(true);
    expect(await files(photo, '&type=preview')).toEqual([listed.find((f) => f.type === 'preview')]);
    expect(await files(photo, '&isEdited=true')).toEqual([]);

    const preview = listed.find((f) => f.type === 'preview')!;
    expect((await send(h.ada, 'GET', `/asset-files/${preview.id}`)).body).toEqual(preview);
    const download = await fetch(`http://${HOST}:${h.runtime.port}/api/asset-files/${preview.id}/download`, { headers: { 'x-api-key': h.ada.apiKey } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(await sharp(Buffer.from(await download.arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 1600, height: 1200 });

    const encoded = await waitFor(async () => (await files(video, '&type=encoded_video'))[0], 'the video’s encoding');
    const bytes = Buffer.from(await (await fetch(`http://${HOST}:${h.runtime.port}/api/asset-files/${encoded.id}/download`, { headers: { 'x-api-key': h.ada.apiKey } })).arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('marks the renders of an edited picture, and keeps a file’s id when it is made again', async () => {
    const before = await files(photo);
    expect((await send(h.ada, 'PUT', `/assets/${photo}/edits`, { edits: [{ action: 'rotate', parameters: { angle: 90 } }] })).status).toBe(200);
    const edited = await waitFor(async () => {
      const now = await files(photo, '&isEdited=true');
      return now.length === 2 ? now : undefined;
    }, 'the edited renders');
    expect(edited.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
    expect((await send(h.ada, 'DELETE', `/assets/${photo}/edits`)).status).toBe(204);
    await waitFor(async () => ((await files(photo, '&isEdited=false')).length === 2 ? true : undefined), 'the renders of the original again');
  });

  it('removes a derived file, and the thumbnail job for missing work makes it again', async () => {
    const preview = (await files(photo, '&type=preview'))[0]!;
    expect((await send(h.ada, 'DELETE', `/asset-files/${preview.id}`)).status).toBe(204);
    expect(await files(photo, '&type=preview')).toEqual([]);
    expect((await send(h.ada, 'GET', `/asset-files/${preview.id}`)).status).toBe(400);
    const gone = await fetch(`http://${HOST}:${h.runtime.port}/api/assets/${photo}/thumbnail?size=preview`, { headers: { 'x-api-key': h.ada.apiKey } });
    expect(gone.status).toBe(404);
    expect((await send(h.ada, 'PUT', '/jobs/thumbnailGeneration', { command: 'start', force: false })).body.queued).toBeGreaterThanOrEqual(1);
    const again = await waitFor(async () => (await files(photo, '&type=preview'))[0], 'the preview made again');
    expect(again.id).not.toBe(preview.id);
    const { bytes } = await h.api.media(`/assets/${photo}/thumbnail?size=preview`, h.ada.apiKey);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  });

  it('keeps the files to their owner: partners, other users, links and bad ids are refused', async () => {
    const [file] = await files(photo);
    // Bea is Ada's partner and sees the photo, but its files are Ada's (as in Immich 3.2).
    expect((await send(h.bea, 'GET', `/assets/${photo}`)).status).toBe(200);
    expect((await send(h.bea, 'GET', `/asset-files?assetId=${photo}`)).body).toEqual([]);
    for (const [method, route] of [['GET', `/asset-files/${file!.id}`], ['GET', `/asset-files/${file!.id}/download`], ['DELETE', `/asset-files/${file!.id}`]] as const) {
      expect(await send(h.bea, method, route), `${method} ${route} as a partner`).toMatchObject({ status: 400 });
      expect((await send(h.cy, method, route)).status, `${method} ${route} as someone else`).toBe(400);
      expect((await send(undefined, method, route)).status, `${method} ${route} with no one`).toBe(401);
    }
    const link = (await send(h.ada, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [photo] })).body;
    expect((await fetch(`http://${HOST}:${h.runtime.port}/api/asset-files?assetId=${photo}&key=${link.key}`)).status).toBe(403);
    expect((await send(h.ada, 'GET', '/asset-files')).status).toBe(400);
    expect((await send(h.ada, 'GET', '/asset-files?assetId=not-a-uuid')).status).toBe(400);
    expect((await send(h.ada, 'GET', `/asset-files?assetId=${photo}&type=poster`)).status).toBe(400);
    expect((await send(h.ada, 'GET', `/asset-files?assetId=${photo}&isEdited=maybe`)).status).toBe(400);
    expect((await send(h.ada, 'GET', '/asset-files/not-a-uuid')).status).toBe(400);
    // Ada's file is still there after all that.
    expect((await send(h.ada, 'GET', `/asset-files/${file!.id}`)).status).toBe(200);
  });

  it('answers HLS and OCR as Immich does with them off, to those who may see the video', async () => {
    const features = (await send(h.ada, 'GET', '/server/features')).body;
    expect(features).toMatchObject({ realtimeTranscoding: false, ocr: false });
    expect(await send(h.ada, 'GET', `/assets/${video}/video/stream/main.m3u8`)).toMatchObject({ status: 400, body: { message: 'Real-time transcoding is not enabled' } });
    const session = '11111111-1111-4111-8111-111111111111';
    expect((await send(h.ada, 'GET', `/assets/${video}/video/stream/${session}/0/playlist.m3u8`)).status).toBe(404);
    expect((await send(h.ada, 'GET', `/assets/${video}/video/stream/${session}/0/seg_0.m4s`)).status).toBe(404);
    expect((await send(h.ada, 'DELETE', `/assets/${video}/video/stream/${session}`)).status).toBe(204);
    expect((await send(h.ada, 'GET', `/assets/${photo}/ocr`)).body).toEqual([]);
    // Someone who may not see the video learns nothing more than that.
    expect(await send(h.cy, 'GET', `/assets/${video}/video/stream/main.m3u8`)).toMatchObject({ status: 400, body: { message: 'Not found or no asset.read access' } });
    expect((await send(h.cy, 'DELETE', `/assets/${video}/video/stream/${session}`)).status).toBe(400);
    expect((await send(h.cy, 'GET', `/assets/${photo}/ocr`)).status).toBe(400);
    expect((await send(undefined, 'GET', `/assets/${photo}/ocr`)).status).toBe(401);
  });
});
