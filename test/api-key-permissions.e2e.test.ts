import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_PERMISSIONS } from '../core/access/permissions.js';
import { apiClient, startTestRuntime, type TestRuntime } from './test-runtime.js';

// Immich's permission model on every route: a key holding exactly a route's permission gets
// past the check (the route may still refuse its made-up ids or body), a key without it gets
// 403 "Missing required permission: …" and nothing changes.
const UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const guarded = Object.entries(ROUTE_PERMISSIONS).filter(([, needed]) => needed !== 'public' && needed !== 'any');

describe('API-key permissions', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  // Keys are minted with a key of the admin's: the loop below ends every login session
  // (`DELETE /sessions` with a key has no current session to spare, as in Immich).
  let master: string;
  const keys = new Map<string, string>();

  async function keyWith(permissions: string[]): Promise<string> {
    const name = permissions.join(',');
    if (!keys.has(name)) {
      const created = await api.call<{ secret: string }>('POST', '/api-keys', { key: master, body: { name, permissions } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      keys.set(name, created.body.secret);
    }
    return keys.get(name)!;
  }
  const call = (route: string, key: string) => {
    const [method, path] = route.split(' ') as [string, string];
    const concrete = path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'name' ? 'metadata' : UUID));
    return api.call<{ message?: string }>(method, concrete, { key, body: method === 'GET' ? undefined : {} });
  };

  beforeAll(async () => {
    runtime = await startTestRuntime();
    api = apiClient(runtime.url);
    const admin = await api.signUpAdmin();
    master = (await api.call<{ secret: string }>('POST', '/api-keys', { token: admin.accessToken, body: { name: 'master', permissions: ['all'] } })).body.secret;
  });
  afterAll(() => runtime?.close());

  it(`lets a key with exactly the route's permission through, and refuses one without it, on all ${guarded.length} guarded routes`, { timeout: 240_000 }, async () => {
    const wrong: string[] = [];
    for (const [route, permission] of guarded) {
      const other = permission === 'server.about' ? 'map.read' : 'server.about';
      const allowed = await call(route, await keyWith([permission]));
      if (allowed.status === 403 && String(allowed.body.message).startsWith('Missing required permission')) wrong.push(`${route} refused its own permission ${permission}`);
      const refused = await call(route, await keyWith([other]));
      if (refused.status !== 403 || refused.body.message !== `Missing required permission: ${permission}`) {
        wrong.push(`${route} with only ${other}: ${refused.status} ${JSON.stringify(refused.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a read-only key cannot empty the trash, delete, edit, share, upload or mint a stronger key', async () => {
    const reader = await keyWith(['asset.read']);
    const tries: [string, string, unknown][] = [
      ['POST', '/trash/empty', undefined],
      ['DELETE', '/assets', { ids: [UUID], force: true }],
      ['PUT', `/assets/${UUID}`, { isFavorite: true }],
      ['POST', '/albums', { albumName: 'x' }],
      ['POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [UUID] }],
      ['POST', '/partners', { sharedWithId: UUID }],
      ['POST', '/uploads', { fileName: 'a.jpg', size: 1, checksum: 'a'.repeat(40) }],
    ];
    for (const [method, path, body] of tries) expect((await api.call(method, path, { key: reader, body })).status, `${method} ${path}`).toBe(403);
    const stronger = await api.call<{ message: string }>('POST', '/api-keys', { key: await keyWith(['apiKey.create']), body: { name: 'x', permissions: ['all'] } });
    expect(stronger.status).toBe(400);
    expect(stronger.body.message).toBe('Cannot grant permissions you do not have');
    expect((await api.call('POST', '/api-keys', { key: await keyWith(['apiKey.create']), body: { name: 'y', permissions: ['apiKey.create'] } })).status).toBe(201);
    expect((await api.call('GET', '/api-keys/me', { key: reader })).status).toBe(200);
  });

  it('refuses unknown permission names and an empty list', async () => {
    for (const permissions of [['asset.reed'], [], ['all', 'x']]) {
      expect((await api.call('POST', '/api-keys', { key: master, body: { name: 'bad', permissions } })).status).toBe(400);
    }
  });
});
