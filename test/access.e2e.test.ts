import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

/**
 * Who may read and who may write, endpoint by endpoint. The owner has a photo in an album
 * (viewer + editor members, an album link) and a photo outside it (seen by the partner
 * only); an individual link with a password grants the album photo. Every actor hits every
 * endpoint; the table says exactly who gets through.
 */
const ACTORS = ['owner', 'stranger', 'partner', 'viewer', 'editor', 'link', 'passwordLink', 'passwordLinkNoToken', 'anonymous'] as const;
type Actor = (typeof ACTORS)[number];

interface Row {
  name: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  allowed: Actor[];
}

describe('access: every endpoint, every kind of requester', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  const users = {} as Record<'owner' | 'stranger' | 'partner' | 'viewer' | 'editor', TestUser>;
  let inAlbum: string;
  let outside: string;
  let album: string;
  let spareAlbum: string;
  let albumLink: { id: string; key: string };
  let passwordLink: { id: string; key: string; token: string };

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600' });
    api = apiClient(runtime.url);
    users.owner = await api.signUpAdmin();
    for (const name of ['stranger', 'partner', 'viewer', 'editor'] as const) users[name] = await api.createUser(users.owner, `${name}@example.com`);
    const send = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: users.owner.apiKey, body });

    inAlbum = await api.upload(users.owner, await readMedia('exif-samples__DSCN0010.jpg'), 'in-album.jpg');
    [outside] = (await insertSyntheticAssets(runtime.ports.db, users.owner.id, [{ localDateTime: '2020-01-01T00:00:00' }])) as [string];
    const members = [
      { userId: users.viewer.id, role: 'viewer' },
      { userId: users.editor.id, role: 'editor' },
    ];
    album = (await send('POST', '/albums', { albumName: 'Family', assetIds: [inAlbum], albumUsers: members })).body.id;
    spareAlbum = (await send('POST', '/albums', { albumName: 'Spare', albumUsers: members })).body.id;
    await send('POST', '/partners', { sharedWithId: users.partner.id });
    albumLink = (await send('POST', '/shared-links', { type: 'ALBUM', albumId: album })).body;
    const withPassword = (await send('POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [inAlbum], password: 'pw' })).body;
    const opened = await fetch(`${runtime.url}/api/shared-links/me?key=${withPassword.key}&password=pw`);
    passwordLink = { ...withPassword, token: (await opened.json()).token };
  }, 60_000);
  afterAll(async () => runtime?.close());

  const rows: Row[] = [
    // Reading
    { name: 'asset in the album', method: 'GET', path: () => `/assets/${inAlbum}`, allowed: ['owner', 'partner', 'viewer', 'editor', 'link', 'passwordLink'] },
    { name: 'asset outside albums', method: 'GET', path: () => `/assets/${outside}`, allowed: ['owner', 'partner'] },
    { name: 'thumbnail', method: 'GET', path: () => `/assets/${inAlbum}/thumbnail`, allowed: ['owner', 'partner', 'viewer', 'editor', 'link', 'passwordLink'] },
    { name: 'original', method: 'GET', path: () => `/assets/${inAlbum}/original`, allowed: ['owner', 'partner', 'viewer', 'editor', 'link', 'passwordLink'] },
    { name: 'album', method: 'GET', path: () => `/albums/${album}`, allowed: ['owner', 'viewer', 'editor', 'link'] },
    { name: 'album timeline', method: 'GET', path: () => `/timeline/buckets?albumId=${album}`, allowed: ['owner', 'viewer', 'editor', 'link'] },
    { name: 'album month', method: 'GET', path: () => `/timeline/bucket?albumId=${album}&timeBucket=2008-10-01`, allowed: ['owner', 'viewer', 'editor', 'link'] },
    { name: 'owner’s timeline', method: 'GET', path: () => `/timeline/buckets?userId=${users.owner.id}`, allowed: ['owner', 'partner'] },
    { name: 'album activity', method: 'GET', path: () => `/activities?albumId=${album}`, allowed: ['owner', 'viewer', 'editor'] },
    { name: 'shared link details', method: 'GET', path: () => `/shared-links/${albumLink.id}`, allowed: ['owner'] },
    { name: 'admin user list', method: 'GET', path: () => '/admin/users', allowed: ['owner'] },
    // Writing
    { name: 'edit asset', method: 'PUT', path: () => `/assets/${inAlbum}`, body: () => ({ isFavorite: true }), allowed: ['owner'] },
    { name: 'bulk edit', method: 'PUT', path: () => '/assets', body: () => ({ ids: [inAlbum], isFavorite: true }), allowed: ['owner'] },
    { name: 'add to album', method: 'PUT', path: () => `/albums/${album}/assets`, body: () => ({ ids: [inAlbum] }), allowed: ['owner', 'editor'] },
    { name: 'remove from album', method: 'DELETE', path: () => `/albums/${album}/assets`, body: () => ({ ids: [outside] }), allowed: ['owner', 'editor'] },
    // Immich 3 lets an album's editors rename and describe it too.
    { name: 'rename album', method: 'PATCH', path: () => `/albums/${album}`, body: () => ({ description: 'ours' }), allowed: ['owner', 'editor'] },
    { name: 'share album', method: 'PUT', path: () => `/albums/${album}/users`, body: () => ({ albumUsers: [{ userId: users.viewer.id, role: 'viewer' }] }), allowed: ['owner'] },
    { name: 'like', method: 'POST', path: () => '/activities', body: () => ({ albumId: album, type: 'like' }), allowed: ['owner', 'viewer', 'editor'] },
    { name: 'link assets', method: 'POST', path: () => '/shared-links', body: () => ({ type: 'INDIVIDUAL', assetIds: [outside] }), allowed: ['owner', 'partner'] },
    { name: 'link album', method: 'POST', path: () => '/shared-links', body: () => ({ type: 'ALBUM', albumId: album }), allowed: ['owner'] },
    { name: 'edit link', method: 'PATCH', path: () => `/shared-links/${albumLink.id}`, body: () => ({ description: 'hi' }), allowed: ['owner'] },
    { name: 'restore from trash', method: 'POST', path: () => '/trash/restore/assets', body: () => ({ ids: [outside] }), allowed: ['owner'] },
    // Destructive: the owner goes last (ACTORS order), after everyone else was refused.
    { name: 'trash asset', method: 'DELETE', path: () => '/assets', body: () => ({ ids: [outside] }), allowed: ['owner'] },
    { name: 'delete album', method: 'DELETE', path: () => `/albums/${spareAlbum}`, allowed: ['owner'] },
  ];

  function request(actor: Actor, row: Row) {
    const path = row.path();
    const join = path.includes('?') ? '&' : '?';
    const query =
      actor === 'link'
        ? `${join}key=${albumLink.key}`
        : actor === 'passwordLink'
          ? `${join}key=${passwordLink.key}&token=${passwordLink.token}`
          : actor === 'passwordLinkNoToken'
            ? `${join}key=${passwordLink.key}`
            : '';
    const key = actor in users ? users[actor as keyof typeof users].apiKey : undefined;
    return api.call(row.method, `${path}${query}`, { key, body: row.body?.() });
  }

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const outcome: Record<string, number> = {};
    for (const actor of [...ACTORS.filter((a) => a !== 'owner'), 'owner' as const]) outcome[actor] = (await request(actor, row)).status;
    const passed = ACTORS.filter((actor) => outcome[actor]! < 400);
    expect(passed, JSON.stringify(outcome)).toEqual(row.allowed);
    for (const actor of ACTORS) if (!row.allowed.includes(actor)) expect([400, 401, 403], `${actor}: ${outcome[actor]}`).toContain(outcome[actor]);
    if (row.name === 'trash asset') await api.call('POST', '/trash/restore', { key: users.owner.apiKey });
  });

  it('left nothing changed by refused writes', async () => {
    const { body } = await api.call<any>('GET', `/albums/${album}`, { key: users.owner.apiKey });
    expect(body.albumUsers.map((m: { role: string }) => m.role)).toEqual(['owner', 'editor', 'viewer']);
    expect(await api.albumAssetIds(users.owner, album)).toEqual([inAlbum]);
    expect((await api.call<any>('GET', `/assets/${outside}`, { key: users.owner.apiKey })).body.isTrashed).toBe(false);
  });
});
