import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../adapters/local/embedded-postgres.js';
import { readMedia, sha1Hex } from './media-samples.js';
import { rdsDataEmulator } from './rds-data-emulator.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

// Everything the app asks of its database, through the Data API adapter (as on AWS): the
// migrations, users and keys, uploads with their group commit, both pipeline stages, search.
describe('the app on the RDS Data API', () => {
  let postgres: EmbeddedPostgres;
  let emulator: ReturnType<typeof rdsDataEmulator>;
  let runtime: TestRuntime;
  let user: TestUser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-data-api-'));
    postgres = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), sharedBuffers: '16MB' });
    emulator = rdsDataEmulator(postgres.url);
    runtime = await startTestRuntime(
      {
        DATABASE_DATA_API_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:shoebox',
        DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shoebox',
        AWS_REGION: 'eu-west-1',
        SHOEBOX_LOG_LEVEL: process.env.DEBUG_DATA_API ? 'ERROR' : 'SILENT',
      },
      undefined,
      { rdsData: emulator.client },
    );
    user = await apiClient(runtime.url).signUpAdmin();
  });
  afterAll(async () => {
    await runtime?.close();
    await emulator?.close();
    await postgres?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads, processes, finds, dedupes and deletes a photo', async () => {
    const api = apiClient(runtime.url);
    const bytes = await readMedia('exif-samples__iphone_hdr_YES.jpg');
    const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', {
      key: user.apiKey,
      body: { fileName: 'IMG_0001.jpg', size: bytes.length, checksum: sha1Hex(bytes) },
    });
    expect(ticket.status).toBe(201);
    expect((await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes })).status).toBe(200);
    const asset = await waitFor(async () => {
      const { body } = await api.call<{ status: string; exifInfo?: Record<string, unknown>; localDateTime: string }>('GET', `/assets/${ticket.body.id}`, {
        key: user.apiKey,
      });
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, 'the pipeline over the Data API');
    expect(asset).toMatchObject({ status: 'ready', localDateTime: '2015-04-10T20:12:23.550Z', exifInfo: { make: 'Apple', timeZone: 'UTC+2' } });
    expect(asset.exifInfo?.dateTimeOriginal).toBe('2015-04-10T18:12:23.55+00:00');

    const check = await api.call<{ results: Array<{ action: string; assetId?: string }> }>('POST', '/assets/bulk-upload-check', {
      key: user.apiKey,
      body: { assets: [{ id: 'a', checksum: sha1Hex(bytes) }, { id: 'b', checksum: 'c'.repeat(40) }] },
    });
    expect(check.body.results.map((r) => r.action)).toEqual(['reject', 'accept']);
    const found = await api.call<{ assets: { total: number; items: Array<{ id: string }> } }>('POST', '/search/metadata', {
      key: user.apiKey,
      body: { originalFileName: 'img_0001', withExif: true },
    });
    expect(found.body.assets.items.map((a) => a.id)).toEqual([ticket.body.id]);
    expect((await api.call('DELETE', '/assets', { key: user.apiKey, body: { ids: [ticket.body.id], force: true } })).status).toBe(204);
    expect((await api.call('GET', `/assets/${ticket.body.id}`, { key: user.apiKey })).status).toBe(400);
  });
});
