import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia, uniqueJpeg } from './media-samples.js';
import { startHousehold, waitFor, type Household } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.38';

/**
 * Immich's job API as its admin page and immich-go use it, on the real pipeline: a paused
 * queue holds its work (counted as paused, not waiting), empty drops it, start finds what is
 * missing and leaves what is done, force does everything again; and Immich 3's /queues API.
 */
describe('queues paused, emptied and started as Immich’s clients do it', () => {
  let home: Household;
  let api: Household['api'];
  let base: string;
  const admin = (method: string, path: string, body?: unknown) => api.call<Json>(method, path, { key: home.ada.apiKey, body });
  const command = (queue: string, cmd: string, force = false) => admin('PUT', `/jobs/${queue}`, { command: cmd, force });
  const counts = async (queue: string) => (await admin('GET', '/jobs')).body[queue] as { jobCounts: Json; queueStatus: Json };
  /** Immich's multipart upload, as the phone app and immich-go send it. */
  const uploadPhoto = async (tag: string) => {
    const form = new FormData();
    const now = new Date().toISOString();
    for (const [k, v] of Object.entries({ deviceAssetId: tag, deviceId: 'queues-test', fileCreatedAt: now, fileModifiedAt: now })) form.set(k, v);
    form.set('assetData', new Blob([new Uint8Array(uniqueJpeg(await readMedia('exif-samples__Canon_40D.jpg'), tag))]), `${tag}.jpg`);
    const response = await fetch(`${base}/api/assets`, { method: 'POST', body: form, headers: { 'x-api-key': home.ada.apiKey } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const asset = async (id: string) => (await admin('GET', `/assets/${id}`)).body;
  const settled = (queue: string) =>
    waitFor(async () => {
      const { jobCounts } = await counts(queue);
      return jobCounts.active === 0 && jobCounts.waiting === 0 ? true : undefined;
    }, `${queue} to settle`);

  beforeAll(async () => {
    home = await startHousehold(HOST);
    api = home.api;
    base = `http://${HOST}:${home.runtime.port}`;
  });
  afterAll(() => home?.runtime.close());

  it('holds metadata while paused, drops it when emptied, and finds the missing work on start', async () => {
    // immich-go's default: pause with force while it uploads.
    const paused = await command('metadataExtraction', 'pause', true);
    expect(paused.status).toBe(200);
    expect(paused.body.queueStatus.isPaused).toBe(true);
    const id = await uploadPhoto('held-metadata');
    await waitFor(async () => ((await counts('metadataExtraction')).jobCounts.paused === 1 ? true : undefined), 'the upload to wait in the paused queue');
    expect((await counts('metadataExtraction')).jobCounts).toMatchObject({ waiting: 0, active: 0, paused: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await asset(id)).exifInfo.make).toBeNull();

    const emptied = await command('metadataExtraction', 'empty');
    expect(emptied.body.jobCounts).toMatchObject({ waiting: 0, paused: 0 });
    const resumed = await command('metadataExtraction', 'resume');
    expect(resumed.body.queueStatus.isPaused).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await asset(id)).exifInfo.make).toBeNull();

    const started = await command('metadataExtraction', 'start');
    expect(started.body.queued).toBe(1);
    await waitFor(async () => ((await asset(id)).exifInfo.make === 'Canon' ? true : undefined), 'the metadata to be read after start');
    await waitFor(async () => ((await asset(id)).thumbhash ? true : undefined), 'the thumbnail after the metadata');
    await settled('metadataExtraction');
    // Nothing is missing now: start queues nothing; force reads every asset again.
    expect((await command('metadataExtraction', 'start')).body.queued).toBe(0);
    expect((await command('metadataExtraction', 'start', true)).body.queued).toBeGreaterThanOrEqual(1);
    await settled('metadataExtraction');
  });

  it('holds thumbnails while paused, and renders only the missing ones on start', async () => {
    const done = await uploadPhoto('thumbnail-done');
    await waitFor(async () => ((await asset(done)).thumbhash ? true : undefined), 'a first thumbnail');
    const before = (await asset(done)).thumbhash;
    await command('thumbnailGeneration', 'pause');
    const held = await uploadPhoto('thumbnail-held');
    await waitFor(async () => ((await asset(held)).exifInfo.make === 'Canon' ? true : undefined), 'the metadata of the held photo');
    await waitFor(async () => ((await counts('thumbnailGeneration')).jobCounts.paused >= 1 ? true : undefined), 'the thumbnail job to wait');
    expect((await asset(held)).thumbhash).toBeNull();
    // The held job, as Immich lists a queue's jobs: by status, with the asset it is for.
    const jobs = await admin('GET', '/queues/thumbnailGeneration/jobs?status=paused&status=failed');
    expect(jobs.status).toBe(200);
    const listed = jobs.body as unknown as Json[];
    expect(listed.find((job) => (job.data as Json).id === held)).toMatchObject({ id: expect.any(String), name: 'AssetGenerateThumbnails', timestamp: expect.any(Number) });
    expect(await admin('GET', '/queues/thumbnailGeneration/jobs?status=waiting')).toMatchObject({ status: 200, body: [] });
    expect((await admin('GET', '/queues/thumbnailGeneration/jobs?status=sleeping')).status).toBe(400);
    expect((await api.call('GET', '/queues/thumbnailGeneration/jobs', { key: home.bea.apiKey })).status).toBe(403);
    await command('thumbnailGeneration', 'empty');
    await command('thumbnailGeneration', 'resume');
    const started = await command('thumbnailGeneration', 'start');
    expect(started.body.queued).toBe(1);
    await waitFor(async () => ((await asset(held)).thumbhash ? true : undefined), 'the missing thumbnail after start');
    expect((await asset(done)).thumbhash).toBe(before);
  });

  it('answers Immich 3’s /queues API, for admins only', async () => {
    const all = await admin('GET', '/queues');
    expect(all.status).toBe(200);
    const names = all.body as unknown as Json[];
    expect(names.map((q) => q.name)).toEqual(expect.arrayContaining(['thumbnailGeneration', 'metadataExtraction', 'videoConversion', 'smartSearch', 'faceDetection', 'library']));
    expect(names.find((q) => q.name === 'thumbnailGeneration')).toEqual({
      name: 'thumbnailGeneration',
      isPaused: false,
      statistics: { active: 0, waiting: 0, paused: 0, failed: 0, delayed: 0, completed: 0 },
    });
    const pause = await admin('PUT', '/queues/videoConversion', { isPaused: true });
    expect(pause.body).toMatchObject({ name: 'videoConversion', isPaused: true });
    expect((await admin('GET', '/queues/videoConversion')).body.isPaused).toBe(true);
    expect((await admin('PUT', '/queues/videoConversion', { isPaused: false })).body.isPaused).toBe(false);
    expect((await admin('DELETE', '/queues/videoConversion/jobs', { failed: true })).status).toBe(204);
    // A queue Shoebox has no stage for is idle, never paused.
    expect((await admin('PUT', '/queues/ocr', { isPaused: true })).body).toMatchObject({ name: 'ocr', isPaused: false });
    expect((await admin('GET', '/queues/no-such-queue')).status).toBe(400);
    expect((await admin('PUT', '/jobs/no-such-queue', { command: 'pause' })).status).toBe(400);
    expect((await admin('PUT', '/jobs/thumbnailGeneration', { command: 'explode' })).status).toBe(400);
    expect((await admin('PUT', '/jobs/ocr', { command: 'start' })).status).toBe(400);
    for (const [method, path, body] of [
      ['GET', '/queues', undefined],
      ['PUT', '/queues/thumbnailGeneration', { isPaused: true }],
      ['DELETE', '/queues/thumbnailGeneration/jobs', {}],
      ['PUT', '/jobs/thumbnailGeneration', { command: 'pause', force: false }],
    ] as const) {
      expect((await api.call(method, path, { key: home.bea.apiKey, body })).status, `${method} ${path} as a user`).toBe(403);
      expect((await api.call(method, path, { body })).status, `${method} ${path} with no one`).toBe(401);
    }
    expect((await counts('thumbnailGeneration')).queueStatus.isPaused).toBe(false);
  });

  it('ends a pause by itself, so a client that died holds nothing back for good', async () => {
    await command('thumbnailGeneration', 'pause');
    expect((await counts('thumbnailGeneration')).queueStatus.isPaused).toBe(true);
    // Six hours on: the pause has run out.
    await home.runtime.ports.db.query(`UPDATE queue_pauses SET until = now() - interval '1 second'`);
    expect((await counts('thumbnailGeneration')).queueStatus.isPaused).toBe(false);
    const id = await uploadPhoto('after-the-pause');
    await waitFor(async () => ((await asset(id)).thumbhash ? true : undefined), 'a thumbnail once the pause ran out');
  });
});
