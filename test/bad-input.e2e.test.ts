import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegClaimingSize, readMedia, sha1Hex } from './media-samples.js';
import { apiClient, filesUnder, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Ticket = { id: string; status: string; upload?: { type: string; url: string } };
type AssetBody = { status: string; failedReason: string | null };


describe('bad input gets a clear error and leaves nothing half-made', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let alice: TestUser;
  let bob: TestUser;
  let objects: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    alice = await api.signUpAdmin('alice@example.com');
    bob = await api.createUser(alice, 'bob@example.com');
    objects = path.join(runtime.dataDir, 'store/objects');
  });
  afterAll(async () => runtime?.close());

  async function presignedUpload(user: TestUser, fileName: string, bytes: Buffer, declared = sha1Hex(bytes)) {
    const created = await api.call<Ticket>('POST', '/uploads', { key: user.apiKey, body: { fileName, size: bytes.length, checksum: declared } });
    expect(created.status).toBe(201);
    const put = await fetch(created.body.upload!.url, { method: 'PUT', body: new Uint8Array(bytes) });
    expect(put.status).toBe(200);
    return created.body.id;
  }

  async function settled(id: string, user = alice): Promise<AssetBody> {
    return waitFor(async () => {
      const { body } = await api.call<AssetBody>('GET', `/assets/${id}`, { key: user.apiKey });
      return body.status === 'ready' || body.status === 'failed' ? body : undefined;
    }, `asset ${id} to settle`);
  }

  async function derivedFilesOf(id: string): Promise<string[]> {
    return (await filesUnder(path.join(objects, 'derived'))).filter((f) => f.includes(id));
  }

  async function originalsOf(id: string): Promise<string[]> {
    return (await filesUnder(path.join(objects, 'originals'))).filter((f) => f.includes(id));
  }

  async function postMultipart(user: TestUser, fileName: string, bytes: Buffer) {
    const form = new FormData();
    form.append('fileCreatedAt', new Date().toISOString());
    form.append('fileModifiedAt', new Date().toISOString());
    form.append('assetData', new Blob([new Uint8Array(bytes)]), fileName);
    const response = await fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': user.apiKey }, body: form });
    return { status: response.status, body: (await response.json()) as { message?: string; id?: string } };
  }

  async function assetCount(): Promise<number> {
    const { rows } = await runtime.ports.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assets');
    return rows[0]!.n;
  }

  it('refuses a zero-byte file on both upload paths', async () => {
    const before = await assetCount();
    const presign = await api.call<{ message: string }>('POST', '/uploads', {
      key: alice.apiKey,
      body: { fileName: 'empty.jpg', size: 0, checksum: sha1Hex(Buffer.alloc(0)) },
    });
    expect(presign.status).toBe(400);
    expect(presign.body.message).toMatch(/empty/i);
    const multipart = await postMultipart(alice, 'empty.jpg', Buffer.alloc(0));
    expect(multipart.status).toBe(400);
    expect(multipart.body.message).toMatch(/empty/i);
    expect(await assetCount()).toBe(before);
    expect(await filesUnder(path.join(objects, 'staging'))).toEqual([]);
  });

  it('marks a truncated JPEG failed with a reason, keeps the original, makes no thumbnails', async () => {
    const photo = await readMedia('exif-samples__iphone_hdr_YES.jpg');
    const id = await presignedUpload(alice, 'cut.jpg', photo.subarray(0, Math.floor(photo.length * 0.6)));
    const asset = await settled(id);
    expect(asset.status).toBe('failed');
    expect(asset.failedReason).toMatch(/damaged or truncated/);
    expect(await derivedFilesOf(id)).toEqual([]);
    expect(await originalsOf(id)).toHaveLength(1);
    const thumb = await api.call<{ message: string }>('GET', `/assets/${id}/thumbnail`, { key: alice.apiKey });
    expect(thumb.status).toBe(404);
    expect(thumb.body.message).toMatch(/truncated/);
  });

  it('rejects a text file named .jpg: deleted bytes and a reason on the presigned path, 415 on multipart', async () => {
    const text = Buffer.from('This is not a photo, just a shopping list: eggs, milk, bread.\n'.repeat(20));
    const id = await presignedUpload(alice, 'list.jpg', text);
    const asset = await settled(id);
    expect(asset.status).toBe('failed');
    expect(asset.failedReason).toMatch(/not a supported image or video/);
    expect(await originalsOf(id)).toEqual([]);

    const before = await assetCount();
    const multipart = await postMultipart(alice, 'list2.jpg', Buffer.concat([text, Buffer.from('x')]));
    expect(multipart.status).toBe(415);
    expect(multipart.body.message).toMatch(/not a supported image or video/);
    expect(await assetCount()).toBe(before);
    expect(await filesUnder(path.join(objects, 'staging'))).toEqual([]);
  });

  it('does not decode a 30000×30000 decompression bomb', async () => {
    const bomb = jpegClaimingSize(await readMedia('exif-samples__Canon_40D.jpg'), 30000, 30000);
    const id = await presignedUpload(alice, 'bomb.jpg', bomb);
    const asset = await settled(id);
    expect(asset.status).toBe('failed');
    expect(asset.failedReason).toMatch(/30000×30000 pixels, over the limit/);
    expect(await derivedFilesOf(id)).toEqual([]);
  });

  it('keeps a file name with ../ as a display name only', async () => {
    const photo = await readMedia('test-assets__wood_anemones.jpg');
    const created = await api.call<Ticket>('POST', '/uploads', {
      key: alice.apiKey,
      body: { fileName: '../../../../etc/cron.d/evil.jpg', size: photo.length, checksum: sha1Hex(photo) },
    });
    expect(created.status).toBe(201);
    expect(created.body.upload!.url).not.toContain('..');
    expect(created.body.upload!.url).not.toContain('evil');
    await fetch(created.body.upload!.url, { method: 'PUT', body: photo });
    const asset = await api.call<{ originalFileName: string; originalPath: string }>('GET', `/assets/${created.body.id}`, { key: alice.apiKey });
    expect(asset.body.originalFileName).toBe('evil.jpg');
    expect(asset.body.originalPath).toMatch(/^originals\/[0-9a-f-]+\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f-]+\.jpg$/);

    const multipart = await postMultipart(alice, '..\\..\\windows\\evil2.png', await readMedia('exifr__png_with_exif_and_gps.png'));
    expect(multipart.status).toBe(201);
    const second = await api.call<{ originalFileName: string }>('GET', `/assets/${multipart.body.id}`, { key: alice.apiKey });
    expect(second.body.originalFileName).toBe('evil2.png');
  });

  it('refuses signed URLs that were tampered with, have expired, or get a body of another size', async () => {
    const photo = await readMedia('test-assets__silver_fir.jpg');
    const created = await api.call<Ticket>('POST', '/uploads', {
      key: alice.apiKey,
      body: { fileName: 'fir.jpg', size: photo.length, checksum: sha1Hex(photo) },
    });
    const url = new URL(created.body.upload!.url);

    const tamperedSig = new URL(url);
    tamperedSig.searchParams.set('sig', url.searchParams.get('sig')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')));
    const tamperedSize = new URL(url);
    tamperedSize.searchParams.set('size', String(photo.length + 1));
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(/\.jpg$/, '.png');
    for (const bad of [tamperedSig, tamperedSize, otherKey]) {
      const response = await fetch(bad, { method: 'PUT', body: photo });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { message: string }).message).toMatch(/signature/);
    }
    const unsigned = new URL(url);
    unsigned.search = '';
    expect((await fetch(unsigned, { method: 'PUT', body: photo })).status).toBe(403);

    const key = decodeURIComponent(url.pathname.replace('/_blob/', ''));
    const expired = await runtime.ports.store.presignPut(key, { expiresIn: -1, contentLength: photo.length });
    const expiredResponse = await fetch(`${runtime.url}${expired}`, { method: 'PUT', body: photo });
    expect(expiredResponse.status).toBe(403);
    expect(((await expiredResponse.json()) as { message: string }).message).toMatch(/expired/);

    const wrongSize = await fetch(url, { method: 'PUT', body: Buffer.concat([photo, Buffer.from('extra')]) });
    expect(wrongSize.status).toBe(400);
    expect(await originalsOf(created.body.id)).toEqual([]);
    // Other tests' thumbnails pass through tmp too: wait for them; a leaked file never leaves.
    await waitFor(async () => ((await filesUnder(path.join(runtime.dataDir, 'store/tmp'))).length === 0 ? true : undefined), 'tmp to be empty', 10_000);

    // A GET URL cannot be replayed as a PUT.
    const getUrl = `${runtime.url}${await runtime.ports.store.presignGet(key, { expiresIn: 60 })}`;
    expect((await fetch(getUrl, { method: 'PUT', body: photo })).status).toBe(403);
  });

  it('marks bytes that do not match the declared checksum failed and deletes them', async () => {
    const photo = await readMedia('test-assets__prairie_falcon.jpg');
    const id = await presignedUpload(alice, 'falcon.jpg', photo, 'ab'.repeat(20));
    const asset = await settled(id);
    expect(asset.status).toBe('failed');
    expect(asset.failedReason).toMatch(/do not match the declared SHA-1/);
    expect(await originalsOf(id)).toEqual([]);
  });

  it("treats another user's asset ids as not found and changes nothing", async () => {
    const photo = await readMedia('exifr__noexif.jpg');
    const id = await presignedUpload(alice, 'private.jpg', photo);
    await settled(id);
    for (const route of [`/assets/${id}`, `/assets/${id}/thumbnail`, `/assets/${id}/original`]) {
      const response = await api.call<{ message: string }>('GET', route, { key: bob.apiKey });
      expect(response.status).toBe(400);
      expect(response.body.message).toBe('Not found or no asset.read access');
    }
    const del = await api.call('DELETE', '/assets', { key: bob.apiKey, body: { ids: [id], force: true } });
    expect(del.status).toBe(400);
    expect((await api.call('GET', `/assets/${id}`, { key: alice.apiKey })).status).toBe(200);
    expect(await originalsOf(id)).toHaveLength(1);

    // Bob's own upload of the same bytes is his own asset, not a duplicate of Alice's.
    const mine = await api.call<Ticket>('POST', '/uploads', { key: bob.apiKey, body: { fileName: 'x.jpg', size: photo.length, checksum: sha1Hex(photo) } });
    expect(mine.status).toBe(201);
    expect(mine.body.id).not.toBe(id);
    for (const [method, route] of [['GET', `/uploads/${mine.body.id}`], ['DELETE', `/uploads/${mine.body.id}`], ['POST', `/uploads/${mine.body.id}/complete`]] as const) {
      const response = await api.call(method, route, { key: alice.apiKey, body: method === 'POST' ? { parts: [] } : undefined });
      expect(response.status).toBe(404);
    }
    const check = await api.call<{ results: Array<{ action: string }> }>('POST', '/assets/bulk-upload-check', {
      key: bob.apiKey,
      body: { assets: [{ id: 'a', checksum: sha1Hex(photo) }] },
    });
    expect(check.body.results[0]!.action).toBe('accept');
  });

  it('stops guessing passwords after ten wrong ones, even with the right one', async () => {
    const login = (password: string) => api.call<{ message: string }>('POST', '/auth/login', { body: { email: 'Bob@example.com', password } });
    for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    const refused = await login('another good password');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.body.message).toMatch(/Too many wrong passwords/);
  });

  it('answers malformed, unauthenticated and out-of-range requests with 4xx', async () => {
    const cases: Array<[string, string, Record<string, unknown>, number]> = [
      ['POST', '/uploads', { key: alice.apiKey, body: { fileName: 'a.exe', size: 10, checksum: 'a'.repeat(40) } }, 415],
      ['POST', '/uploads', { key: alice.apiKey, body: { fileName: 'a.jpg', size: 10, checksum: 'not-a-sha1' } }, 400],
      ['POST', '/uploads', { key: alice.apiKey, body: { fileName: 'a.jpg', size: 1e15, checksum: 'a'.repeat(40) } }, 413],
      ['POST', '/uploads', { key: alice.apiKey, body: { size: 'ten' } }, 400],
      ['POST', '/uploads', { key: alice.apiKey, body: [] }, 400],
      ['POST', '/uploads', { body: { fileName: 'a.jpg', size: 10, checksum: 'a'.repeat(40) } }, 401],
      ['GET', '/users/me', { key: 'not-a-real-key' }, 401],
      ['GET', '/users/me', { token: 'not-a-real-token' }, 401],
      ['GET', '/assets/not-a-uuid', { key: alice.apiKey }, 400],
      ['DELETE', '/assets', { key: alice.apiKey, body: { ids: ['nope'] } }, 400],
      ['POST', '/admin/users', { key: bob.apiKey, body: { email: 'c@example.com', password: 'x', name: 'c' } }, 403],
      ['POST', '/auth/admin-sign-up', { body: { email: 'eve@example.com', password: 'x', name: 'Eve' } }, 400],
      ['POST', '/auth/login', { body: { email: 'alice@example.com', password: 'wrong' } }, 401],
      ['GET', '/jobs', { key: bob.apiKey }, 403],
    ];
    for (const [method, route, opts, status] of cases) {
      const response = await api.call<{ message: unknown; statusCode: number }>(method, route, opts);
      expect({ method, route, status: response.status }).toEqual({ method, route, status });
      expect(response.body.message).toBeTruthy();
    }
    const raw = await fetch(`${runtime.url}/api/uploads`, {
      method: 'POST',
      headers: { 'x-api-key': alice.apiKey, 'content-type': 'application/json' },
      body: '{"fileName": ',
    });
    expect(raw.status).toBe(400);
    const notMultipart = await fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': alice.apiKey, 'content-type': 'text/plain' }, body: 'hi' });
    expect(notMultipart.status).toBe(400);
  });

  it('refuses malformed, oversized and hostile library requests, and changes nothing', async () => {
    const huge = 'x'.repeat(10_001);
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[string, string, unknown, number]> = [
      ['POST', '/albums', { albumName: '' }, 400],
      ['POST', '/albums', { albumName: 'x'.repeat(501) }, 400],
      ['POST', '/albums', { albumName: 'a', assetIds: 'all' }, 400],
      ['POST', '/albums', { albumName: 'a', assetIds: [uuid] }, 400],
      ['POST', '/albums', { albumName: 'a', albumUsers: [{ userId: alice.id, role: 'owner' }] }, 400],
      ['PATCH', `/albums/${uuid}`, { albumName: 'b' }, 400],
      ['PUT', `/albums/not-a-uuid/assets`, { ids: [uuid] }, 400],
      ['PUT', `/assets/${uuid}`, { rating: 'five' }, 400],
      ['PUT', '/assets', { ids: Array.from({ length: 10_001 }, () => uuid), isFavorite: true }, 400],
      ['POST', '/activities', { albumId: uuid, type: 'comment', comment: huge }, 400],
      ['POST', '/activities', { albumId: uuid, type: 'dislike' }, 400],
      ['POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [uuid], expiresAt: 'never' }, 400],
      ['POST', '/shared-links', { type: 'ALBUM', albumId: uuid, assetIds: [uuid] }, 400],
      ['POST', '/partners', { sharedWithId: 'me' }, 400],
      ['PUT', `/partners/${uuid}`, { inTimeline: 'yes' }, 400],
      ['PUT', `/memories/${uuid}`, { isSaved: true }, 400],
      ['POST', '/trash/restore/assets', { ids: [] }, 400],
      ['POST', '/libraries', { ownerId: alice.id, importPaths: ['/etc/../'] }, 400],
      ['POST', '/libraries', { ownerId: alice.id, importPaths: [huge] }, 400],
      ['PUT', `/admin/users/${bob.id}`, { quotaSizeInBytes: -1 }, 400],
      ['PUT', `/admin/users/${bob.id}`, { isAdmin: 'yes' }, 400],
    ];
    const albumsBefore = (await api.call<unknown[]>('GET', '/albums', { key: alice.apiKey })).body.length;
    for (const [method, route, body, status] of cases) {
      const response = await api.call<{ message: unknown }>(method, route, { key: alice.apiKey, body });
      expect({ method, route, status: response.status }).toEqual({ method, route, status });
      expect(response.body.message).toBeTruthy();
    }
    for (const query of [
      '/timeline/bucket?timeBucket=2020-01-01%27%3B%20DROP%20TABLE%20assets%3B--',
      `/timeline/buckets?albumId=${uuid}`,
      `/timeline/buckets?key=${huge}`,
      '/map/reverse-geocode?lat=abc&lon=0',
      '/memories?for=2020-02-30x',
    ]) {
      expect((await api.call('GET', query, { key: alice.apiKey })).status, query).toBeGreaterThanOrEqual(400);
    }
    // Hostile text is only ever a parameter: it finds nothing and breaks nothing.
    const search = await api.call<{ assets: { total: number } }>('POST', '/search/metadata', {
      key: alice.apiKey,
      body: { city: "'; DROP TABLE assets; --", description: '%_\\', originalFileName: '%' },
    });
    expect(search.status).toBe(200);
    expect(search.body.assets.total).toBe(0);
    const oversized = await fetch(`${runtime.url}/api/albums`, {
      method: 'POST',
      headers: { 'x-api-key': alice.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ albumName: 'big', description: 'x'.repeat(6 * 1024 * 1024) }),
    });
    expect(oversized.status).toBe(413);
    expect((await api.call<unknown[]>('GET', '/albums', { key: alice.apiKey })).body.length).toBe(albumsBefore);
    expect((await api.call('GET', '/timeline/buckets', { key: alice.apiKey })).status).toBe(200);
  });
});
