import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FsObjectStore } from '../adapters/local/fs-object-store.js';
import { sweepExpiredUploads } from '../functions/upload/sweep-expired-uploads.js';
import { readMedia, sha1Hex } from './media-samples.js';
import { apiClient, filesUnder, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Ticket = { id: string; status: string; upload: { type: string; url: string; parts?: Array<{ url: string; size: number; partNumber: number }> } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe('uploads that stop half-way, sessions, deletion', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let user: TestUser;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_UPLOAD_SESSION_TTL: '1', SHOEBOX_SWEEP_INTERVAL: '3600', SHOEBOX_PART_SIZE: String(5 * 1024 * 1024) });
    api = apiClient(runtime.url);
    user = await api.signUpAdmin();
  });
  afterAll(async () => runtime?.close());

  /** PUTs an upload's bytes with the store's object-created event switched off, as if it were lost. */
  async function putUnannounced(url: string, bytes: Buffer) {
    const store = runtime.ports.store as FsObjectStore;
    const notify = store.onObjectCreated;
    store.onObjectCreated = undefined;
    try {
      expect((await fetch(url, { method: 'PUT', body: new Uint8Array(bytes) })).status).toBe(200);
    } finally {
      store.onObjectCreated = notify;
    }
  }

  const ask = (fileName: string, bytes: Buffer) =>
    api.call<Ticket>('POST', '/uploads', { key: user.apiKey, body: { fileName, size: bytes.length, checksum: sha1Hex(bytes) } });

  it('resumes an unfinished upload when asked again, and aborts it on request', async () => {
    const bytes = await readMedia('test-assets__silver_fir.jpg');
    const first = await ask('fir.jpg', bytes);
    const again = await ask('fir-again.jpg', bytes);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: first.body.id, status: 'resumed' });
    expect((await api.call('DELETE', `/uploads/${first.body.id}`, { key: user.apiKey })).status).toBe(204);
    expect((await api.call('GET', `/uploads/${first.body.id}`, { key: user.apiKey })).status).toBe(404);
    expect((await api.call('GET', `/assets/${first.body.id}`, { key: user.apiKey })).status).toBe(400);
    expect((await fetch(first.body.upload.url, { method: 'PUT', body: bytes })).status).toBe(200);
    // The late bytes have no asset to belong to: the metadata stage removes them.
    await waitFor(async () => ((await filesUnder(path.join(runtime.dataDir, 'store/objects/originals'))).some((f) => f.includes(first.body.id)) ? undefined : true), 'the orphan to be removed');
  });

  it('sweeps abandoned single and multipart uploads, leaving no rows, parts or bytes', async () => {
    const small = await readMedia('test-assets__wood_anemones.jpg');
    const big = Buffer.concat([await readMedia('exifr__canon-dslr.jpg'), Buffer.alloc(4 * 1024 * 1024)]);
    const single = await ask('never.jpg', small);
    const multi = await ask('half.jpg', big);
    expect(multi.body.upload.type).toBe('multipart');
    const part = multi.body.upload.parts![0]!;
    expect((await fetch(part.url, { method: 'PUT', body: big.subarray(0, part.size) })).status).toBe(200);
    expect(await filesUnder(path.join(runtime.dataDir, 'store/multipart'))).not.toEqual([]);
    await sleep(1100);
    const result = await sweepExpiredUploads(runtime.ports);
    expect(result).toEqual({ discarded: 2, redelivered: 0 });
    for (const id of [single.body.id, multi.body.id]) expect((await api.call('GET', `/uploads/${id}`, { key: user.apiKey })).status).toBe(404);
    expect(await filesUnder(path.join(runtime.dataDir, 'store/multipart'))).toEqual([]);
    const { rows } = await runtime.ports.db.query(`SELECT 1 FROM upload_sessions UNION ALL SELECT 1 FROM assets WHERE status = 'uploading'`);
    expect(rows).toEqual([]);
  });

  it('re-announces an upload whose object-created event was lost', async () => {
    const bytes = await readMedia('test-assets__prairie_falcon.jpg');
    const ticket = await ask('falcon.jpg', bytes);
    await putUnannounced(ticket.body.upload.url, bytes);
    await sleep(1100);
    expect(await sweepExpiredUploads(runtime.ports)).toEqual({ discarded: 0, redelivered: 1 });
    const asset = await waitFor(async () => {
      const { body } = await api.call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
      return body.status === 'ready' ? body : undefined;
    }, 'the re-announced upload to be processed');
    expect(asset.status).toBe('ready');
  });

  it('answers a file already stored but not yet processed as a duplicate, and announces it again', async () => {
    const bytes = await readMedia('test-assets__silver_fir.jpg');
    const ticket = await ask('fir.jpg', bytes);
    await putUnannounced(ticket.body.upload.url, bytes);
    // The bytes are in; a client asking again (after a reload, a crash) sends nothing more.
    const again = await ask('fir.jpg', bytes);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: ticket.body.id, status: 'duplicate' });
    await waitFor(async () => ((await api.call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey })).body.status === 'ready' ? true : undefined), 'the announced upload to be processed');
  });

  it('trashes an asset, then deletes it for good with its files', async () => {
    const bytes = await readMedia('exif-samples__Canon_40D.jpg');
    const ticket = await ask('trash-me.jpg', bytes);
    await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes });
    await waitFor(async () => ((await api.call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey })).body.status === 'ready' ? true : undefined), 'ready');
    const files = async () => (await filesUnder(path.join(runtime.dataDir, 'store/objects'))).filter((f) => f.includes(ticket.body.id));
    expect(await files()).toHaveLength(3);

    expect((await api.call('DELETE', '/assets', { key: user.apiKey, body: { ids: [ticket.body.id] } })).status).toBe(204);
    const trashed = await api.call<{ isTrashed: boolean }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
    expect(trashed.body.isTrashed).toBe(true);
    const check = await api.call<{ results: Array<{ isTrashed?: boolean }> }>('POST', '/assets/bulk-upload-check', {
      key: user.apiKey,
      body: { assets: [{ id: 'x', checksum: sha1Hex(bytes) }] },
    });
    expect(check.body.results[0]).toMatchObject({ reason: 'duplicate', isTrashed: true });

    expect((await api.call('DELETE', '/assets', { key: user.apiKey, body: { ids: [ticket.body.id], force: true } })).status).toBe(204);
    expect((await api.call('GET', `/assets/${ticket.body.id}`, { key: user.apiKey })).status).toBe(400);
    expect(await files()).toEqual([]);
  });
});

describe('sessions, API keys and restarts', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-restart-'));
  });
  afterAll(async () => rm(dataDir, { recursive: true, force: true }));

  it('logs in with a cookie or a bearer token, logs out, revokes keys, and keeps everything across a restart', async () => {
    let runtime = await startTestRuntime({}, dataDir);
    let api = apiClient(runtime.url);
    const admin = await api.signUpAdmin('owner@example.com', 'a long enough password');
    const me = await api.call<{ email: string; isAdmin: boolean }>('GET', '/users/me', { token: admin.accessToken });
    expect(me.body).toMatchObject({ email: 'owner@example.com', isAdmin: true });

    const login = await fetch(`${runtime.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'OWNER@example.com', password: 'a long enough password' }),
    });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('immich_access_token='))!;
    expect(cookie).toMatch(/HttpOnly/);
    const viaCookie = await fetch(`${runtime.url}/api/users/me`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(viaCookie.status).toBe(200);
    expect((await api.call('POST', '/auth/logout', { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
    expect((await fetch(`${runtime.url}/api/users/me`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(401);

    const spare = await api.call<{ apiKey: { id: string }; secret: string }>('POST', '/api-keys', { key: admin.apiKey, body: { name: 'spare' } });
    const keys = await api.call<Array<{ name: string }>>('GET', '/api-keys', { key: admin.apiKey });
    expect(keys.body.map((k) => k.name).sort()).toEqual(['spare', 'test']);
    expect((await api.call('GET', '/users/me', { key: spare.body.secret })).status).toBe(200);
    expect((await api.call('DELETE', `/api-keys/${spare.body.apiKey.id}`, { key: admin.apiKey })).status).toBe(204);
    expect((await api.call('GET', '/users/me', { key: spare.body.secret })).status).toBe(401);

    const bytes = await readMedia('exif-samples__DSCN0010.jpg');
    const ticket = await api.call<Ticket>('POST', '/uploads', { key: admin.apiKey, body: { fileName: 'keep.jpg', size: bytes.length, checksum: sha1Hex(bytes) } });
    await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes });
    await waitFor(async () => ((await api.call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: admin.apiKey })).body.status === 'ready' ? true : undefined), 'ready');
    await runtime.stop();

    runtime = await startTestRuntime({}, dataDir);
    api = apiClient(runtime.url);
    try {
      const after = await api.call<{ status: string; exifInfo: { make: string } }>('GET', `/assets/${ticket.body.id}`, { key: admin.apiKey });
      expect(after.body).toMatchObject({ status: 'ready', exifInfo: { make: 'NIKON' } });
      expect((await api.media(`/assets/${ticket.body.id}/thumbnail`, admin.apiKey)).status).toBe(200);
    } finally {
      await runtime.stop();
    }
  });
});
