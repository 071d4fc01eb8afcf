import { AssetJobName, getAssetInfo, runAssetJobs } from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedKey } from '../core/assets/object-keys.js';
import { readMedia } from './media-samples.js';
import { as, startHousehold, waitFor, type Household } from './test-runtime.js';

/**
 * Immich's "refresh metadata" and "regenerate thumbnails" (POST /assets/jobs, what the web's
 * and the app's asset menus send), driven with @immich/sdk: the stage runs again on the real
 * pipeline even though it was done — its idempotency sees a new request — and only for the
 * owner.
 */
describe('asset jobs', () => {
  let home: Household;
  let photo: string;

  beforeAll(async () => {
    home = await startHousehold('127.0.0.27');
    photo = await home.api.upload(home.ada, await readMedia('exif-samples__DSCN0010.jpg'), 'DSCN0010.jpg');
  });
  afterAll(() => home?.runtime.close());

  it('regenerates a lost thumbnail and re-reads metadata that was lost, for the owner', async () => {
    const { runtime, ada } = home;
    const thumbnail = derivedKey(ada.id, photo, 'thumbnail', 'webp');
    expect(await runtime.ports.store.head(thumbnail)).toBeDefined();
    await runtime.ports.store.delete(thumbnail);
    await runtime.ports.db.query(`UPDATE asset_exif SET make = NULL, model = NULL WHERE asset_id = $1`, [photo]);

    await runAssetJobs({ assetJobsDto: { assetIds: [photo], name: AssetJobName.RegenerateThumbnail } }, as(ada));
    await waitFor(async () => (await runtime.ports.store.head(thumbnail)) ?? undefined, 'the thumbnail made again');
    await runAssetJobs({ assetJobsDto: { assetIds: [photo], name: AssetJobName.RefreshMetadata } }, as(ada));
    const info = await waitFor(async () => {
      const asset = await getAssetInfo({ id: photo }, as(ada));
      return asset.exifInfo?.make ? asset : undefined;
    }, 'the EXIF read again');
    expect(info.exifInfo).toMatchObject({ make: 'NIKON', model: 'COOLPIX P6000' });
    expect((info as { status?: string }).status).toBe('ready');
    // Asking twice is fine: each request is its own run, and the result is the same.
    await runAssetJobs({ assetJobsDto: { assetIds: [photo, photo], name: AssetJobName.RefreshMetadata } }, as(ada));
  });

  it('refuses others’ assets, keys without job.create and unknown jobs', async () => {
    const { api, ada, bea } = home;
    const call = (key: string, body: unknown) => api.call<{ message: string }>('POST', '/assets/jobs', { key, body });
    expect(await call(bea.apiKey, { assetIds: [photo], name: 'regenerate-thumbnail' })).toMatchObject({ status: 400, body: { message: 'Not found or no asset.update access' } });
    const key = await api.call<{ secret: string }>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'reader', permissions: ['asset.read'] } });
    expect(await call(key.body.secret, { assetIds: [photo], name: 'regenerate-thumbnail' })).toMatchObject({ status: 403, body: { message: 'Missing required permission: job.create' } });
    for (const body of [{ assetIds: [photo], name: 'delete-everything' }, { assetIds: [], name: 'refresh-faces' }, { assetIds: ['x'], name: 'refresh-faces' }, {}]) {
      expect((await call(ada.apiKey, body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});
