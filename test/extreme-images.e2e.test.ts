import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

// Pictures whose proportions no preview format can hold as they are: never left `processing`.
describe('extreme proportions', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;
  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_MAX_RECEIVES: '2' });
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
  });
  afterAll(() => runtime?.close());

  it.each([
    [1, 1_000_000],
    [200_000, 2],
  ])('a %i × %i PNG gets a preview within the formats’ limits', async (width, height) => {
    const png = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toBuffer();
    const id = await api.upload(user, png, `strip-${width}x${height}.png`);
    const asset = (await api.call<{ status: string; failedReason: string | null }>('GET', `/assets/${id}`, { key: user.apiKey })).body;
    expect(asset, JSON.stringify(asset)).toMatchObject({ status: 'ready' });
    const preview = await sharp((await api.media(`/assets/${id}/thumbnail?size=preview`, user.apiKey)).bytes).metadata();
    expect(Math.max(preview.width!, preview.height!)).toBeLessThanOrEqual(16_000);
    expect((await api.media(`/assets/${id}/thumbnail`, user.apiKey)).status).toBe(200);
  });
});
