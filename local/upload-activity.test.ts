import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { UPLOADS_FIRST_MS, UploadActivity } from './upload-activity.js';

describe('uploads first', () => {
  it('holds the heavy stages back while bytes arrive, lets one job each through in a long burst, and all once none arrive', async () => {
    let now = 1_000_000;
    const uploads = new UploadActivity(() => now);
    let finish!: () => void;
    const app = new Hono()
      .use(uploads.middleware)
      .post('/api/assets', async (c) => {
        await new Promise<void>((resolve) => (finish = resolve));
        return c.json({}, 201);
      })
      .get('/api/assets', (c) => c.json([]));

    expect([uploads.slotsFor('thumbnail', 4), uploads.slotsFor('metadata', 2)]).toEqual([4, 2]);
    // Reading is not uploading.
    await app.request('/api/assets');
    expect(uploads.inFlight).toBe(0);

    const upload = app.request('/api/assets', { method: 'POST', body: 'bytes' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(uploads.inFlight).toBe(1);
    expect([uploads.slotsFor('thumbnail', 4), uploads.slotsFor('embed', 1), uploads.slotsFor('metadata', 2)]).toEqual([0, 0, 1]);
    now += UPLOADS_FIRST_MS;
    expect([uploads.slotsFor('thumbnail', 4), uploads.slotsFor('metadata', 2)]).toEqual([1, 1]);
    finish();
    expect((await upload).status).toBe(201);
    expect([uploads.inFlight, uploads.slotsFor('thumbnail', 4)]).toEqual([0, 4]);
  });

  it('counts an upload that fails as ended', async () => {
    const uploads = new UploadActivity();
    const app = new Hono()
      .use(uploads.middleware)
      .put('/_blob/*', () => {
        throw new Error('disk full');
      })
      .onError((_error, c) => c.text('failed', 500));
    expect((await app.request('/_blob/x', { method: 'PUT', body: 'b' })).status).toBe(500);
    expect(uploads.inFlight).toBe(0);
  });
});
