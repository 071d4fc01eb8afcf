import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { rawRequest } from './raw-request.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

/**
 * The home server receives first (local/upload-activity.ts): while an upload's bytes are
 * arriving, a photo already queued gets no thumbnail; once they are in, both are processed.
 */
describe('uploads first, then thumbnails', () => {
  let runtime: TestRuntime;
  let user: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false' });
    user = await apiClient(runtime.url).signUpAdmin();
  });
  afterAll(() => runtime?.close());

  const thumbnailed = async (id: string) =>
    (await runtime.ports.db.query("SELECT 1 FROM asset_files WHERE asset_id = $1 AND type = 'thumbnail'", [id])).rows.length === 1;

  it('holds the thumbnail of a queued photo while another upload streams in, then makes both', { timeout: 60_000 }, async () => {
    const upload = async (bytes: Buffer, name: string) => {
      const body = new FormData();
      body.append('deviceAssetId', name);
      body.append('deviceId', 'test');
      body.append('fileCreatedAt', '2024-01-01T00:00:00.000Z');
      body.append('fileModifiedAt', '2024-01-01T00:00:00.000Z');
      body.append('assetData', new Blob([new Uint8Array(bytes)]), name);
      const response = await fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': user.apiKey }, body });
      return ((await response.json()) as { id: string }).id;
    };
    const queued = await upload(await colourPhoto(200, 40, 40, 1), 'queued.jpg');

    // A second upload that sends its first bytes and then waits.
    const boundary = 'slow-boundary';
    const slowBytes = await colourPhoto(40, 200, 40, 2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="deviceAssetId"\r\n\r\nslow\r\n--${boundary}\r\ncontent-disposition: form-data; name="deviceId"\r\n\r\ntest\r\n--${boundary}\r\ncontent-disposition: form-data; name="assetData"; filename="slow.jpg"\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const slow = rawRequest(`${runtime.url}/api/assets`, {
      method: 'POST',
      headers: { 'x-api-key': user.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + slowBytes.length + tail.length) },
      body: Readable.from((async function* () {
        yield head;
        yield slowBytes.subarray(0, 100);
        await released;
        yield slowBytes.subarray(100);
        yield tail;
      })()),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    runtime.startWorkers();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await thumbnailed(queued), 'no thumbnail while bytes are arriving').toBe(false);

    release();
    const answer = await slow;
    expect(answer.status).toBe(201);
    const slowId = (JSON.parse(answer.body.toString()) as { id: string }).id;
    for (const id of [queued, slowId]) await waitFor(async () => ((await thumbnailed(id)) ? true : undefined), `the thumbnail of ${id}`);
  });
});
