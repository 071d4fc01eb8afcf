import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, startTestRuntime, type TestRuntime, type TestUser } from './test-runtime.js';

/**
 * Locked and trashed assets are their owner's alone: through every way to reach an asset
 * (the asset, its files, the album, the album's and the link's timelines with any filter, the
 * partner's timeline with any filter, the map, shared links) every other requester sees neither
 * their ids nor their counts. The owner put them in an album, an album link, an individual link
 * and shares with a partner, then locked one and trashed another.
 */
type Role = 'partner' | 'viewer' | 'editor' | 'albumLink' | 'assetLink';
const ROLES: Role[] = ['partner', 'viewer', 'editor', 'albumLink', 'assetLink'];
const MONTH = '2021-06-01';

describe('visibility and trash hold on every path, for every role', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  const users = {} as Record<'owner' | 'partner' | 'viewer' | 'editor', TestUser>;
  let ids: Record<'shown' | 'archived' | 'locked' | 'trashed', string>;
  let album: string;
  const links = {} as Record<'albumLink' | 'assetLink', string>;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600' });
    api = apiClient(runtime.url);
    users.owner = await api.signUpAdmin();
    for (const name of ['partner', 'viewer', 'editor'] as const) users[name] = await api.createUser(users.owner, `${name}@example.com`);
    const send = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: users.owner.apiKey, body });
    const made = await insertSyntheticAssets(
      runtime.ports.db,
      users.owner.id,
      ['shown', 'archived', 'locked', 'trashed'].map((_, i) => ({ localDateTime: `2021-06-0${i + 1}T12:00:00`, latitude: 38.7, longitude: -9.1, city: 'Lisbon' })),
    );
    ids = { shown: made[0]!, archived: made[1]!, locked: made[2]!, trashed: made[3]! };
    const members = [
      { userId: users.viewer.id, role: 'viewer' },
      { userId: users.editor.id, role: 'editor' },
    ];
    album = (await send('POST', '/albums', { albumName: 'Family', assetIds: made, albumUsers: members })).body.id;
    await send('POST', '/partners', { sharedWithId: users.partner.id });
    links.albumLink = (await send('POST', '/shared-links', { type: 'ALBUM', albumId: album })).body.key;
    links.assetLink = (await send('POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: made })).body.key;
    // Only now: locked and trashed after they were shared.
    expect((await send('PUT', `/assets/${ids.archived}`, { visibility: 'archive' })).status).toBe(200);
    expect((await send('PUT', `/assets/${ids.locked}`, { visibility: 'locked' })).status).toBe(200);
    expect((await send('DELETE', '/assets', { ids: [ids.trashed] })).status).toBe(204);
  }, 60_000);
  afterAll(() => runtime?.close());

  function as(role: Role, method: string, path: string, body?: unknown) {
    if (role === 'albumLink' || role === 'assetLink') return api.call<any>(method, `${path}${path.includes('?') ? '&' : '?'}key=${links[role]}`, { body });
    return api.call<any>(method, path, { key: users[role].apiKey, body });
  }

  const filters = ['', '&visibility=locked', '&isTrashed=true', '&visibility=hidden', '&visibility=archive', '&isTrashed=true&visibility=locked'];
  function pathsFor(role: Role): string[] {
    const scopes = role === 'partner' ? [`userId=${users.owner.id}`, 'withPartners=true'] : role.endsWith('Link') ? [''] : [`albumId=${album}`];
    const timelines = scopes.flatMap((scope) =>
      filters.flatMap((filter) => [`/timeline/buckets?${scope}${filter}`, `/timeline/bucket?${scope}${filter}&timeBucket=${MONTH}`]),
    );
    const assets = Object.values(ids).flatMap((id) => [`/assets/${id}`, `/assets/${id}/thumbnail`, `/assets/${id}/original`, `/assets/${id}/video/playback`]);
    const lists = role.endsWith('Link') ? ['/shared-links/me'] : [`/albums/${album}`, '/albums', '/map/markers?withPartners=true&withSharedAlbums=true&isArchived=true'];
    return [...timelines, ...assets, ...lists];
  }

  it.each(ROLES)('%s never sees a locked or trashed asset, its id or its count', async (role) => {
    const leaks: string[] = [];
    let sawShown = false;
    for (const path of pathsFor(role)) {
      const response = await as(role, 'GET', path);
      const text = `${JSON.stringify(response.body) ?? ''} ${response.headers.get('location') ?? ''}`;
      const target = Object.entries(ids).find(([, id]) => path.startsWith(`/assets/${id}`));
      if (target && (target[0] === 'locked' || target[0] === 'trashed') && response.status < 400) leaks.push(`${path}: ${response.status}`);
      for (const hidden of [ids.locked, ids.trashed]) if (text.includes(hidden)) leaks.push(`${path} names ${hidden === ids.locked ? 'the locked' : 'the trashed'} asset`);
      if (path.startsWith('/timeline/buckets') && response.status === 200) {
        const count = (response.body as { count: number }[]).reduce((sum, b) => sum + b.count, 0);
        if (count > 2) leaks.push(`${path} counts ${count} assets`);
      }
      if (text.includes(ids.shown)) sawShown = true;
    }
    expect(leaks).toEqual([]);
    // The paths are real: the photo that is shared is seen through them.
    expect(sawShown).toBe(true);
  });

  it('a partner never sees an archived asset (Immich: the archive is its owner’s), while the album and its links still show it', async () => {
    for (const path of pathsFor('partner')) {
      const response = await as('partner', 'GET', path);
      if (path.startsWith(`/assets/${ids.archived}`)) expect(response.status, path).toBe(400);
      else if (path.startsWith('/timeline/') || path.startsWith('/map/')) expect(JSON.stringify(response.body), path).not.toContain(ids.archived);
    }
    expect((await as('partner', 'POST', '/albums', { albumName: 'Not mine to share', assetIds: [ids.archived] })).status).toBe(400);
    for (const role of ['viewer', 'albumLink'] as const) {
      expect((await as(role, 'GET', `/timeline/bucket?${role === 'viewer' ? `albumId=${album}&` : ''}timeBucket=${MONTH}`)).body.id, role).toContain(ids.archived);
    }
  });

  it('the owner still sees both, in their own locked view (an unlocked session only) and trash', async () => {
    const path = `/timeline/bucket?visibility=locked&timeBucket=${MONTH}`;
    expect((await api.call<any>('GET', path, { key: users.owner.apiKey })).status).toBe(401);
    const token = users.owner.accessToken;
    expect((await api.call('POST', '/auth/pin-code', { token, body: { pinCode: '123456' } })).status).toBe(204);
    expect((await api.call('POST', '/auth/session/unlock', { token, body: { pinCode: '123456' } })).status).toBe(204);
    const locked = await api.call<any>('GET', path, { token });
    expect(locked.body.id).toEqual([ids.locked]);
    expect((await api.call('POST', '/auth/session/lock', { token })).status).toBe(204);
    const trashed = await api.call<any>('GET', `/timeline/bucket?isTrashed=true&timeBucket=${MONTH}`, { key: users.owner.apiKey });
    expect(trashed.body.id).toEqual([ids.trashed]);
  });

  it('a link that hides metadata shows no file name, path, checksum, owner, device or place', async () => {
    const send = (method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: users.owner.apiKey, body });
    const key = (await send('POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [ids.shown], showMetadata: false })).body.key;
    const bodies = [
      (await api.call<any>('GET', `/shared-links/me?key=${key}`)).body.assets[0],
      (await api.call<any>('GET', `/assets/${ids.shown}?key=${key}`)).body,
    ];
    for (const asset of bodies) {
      expect(asset.id).toBe(ids.shown);
      for (const field of ['originalFileName', 'originalPath', 'checksum', 'deviceAssetId', 'deviceId', 'ownerId', 'fileCreatedAt', 'exifInfo']) expect(asset).not.toHaveProperty(field);
      expect(asset.hasMetadata).toBe(false);
    }
    const bucket = (await api.call<any>('GET', `/timeline/bucket?timeBucket=${MONTH}&key=${key}`)).body;
    expect(bucket.id).toEqual([ids.shown]);
    expect(bucket.city).toEqual([null]);
  });
});

describe('an upload link cannot claim or follow the owner’s other files', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let owner: TestUser;
  let key: string;
  let privatePhoto: string;
  let photoBytes: Buffer;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600' });
    api = apiClient(runtime.url);
    owner = await api.signUpAdmin();
    photoBytes = await readMedia('exif-samples__DSCN0010.jpg');
    // Uploaded, then locked: a locked asset is out of an API key's reach, its processing too.
    privatePhoto = await api.upload(owner, photoBytes, 'private.jpg');
    expect((await api.call('PUT', '/assets', { key: owner.apiKey, body: { ids: [privatePhoto], visibility: 'locked' } })).status).toBe(204);
    const album = (await api.call<any>('POST', '/albums', { key: owner.apiKey, body: { albumName: 'Drop box' } })).body.id;
    key = (await api.call<any>('POST', '/shared-links', { key: owner.apiKey, body: { type: 'ALBUM', albumId: album, allowUpload: true } })).body.key;
  }, 60_000);
  afterAll(() => runtime?.close());

  it('a declared checksum of a private photo is refused, naming nothing and adding nothing', async () => {
    const checksum = createHash('sha1').update(photoBytes).digest('hex');
    const claim = await api.call<any>('POST', `/uploads?key=${key}`, { body: { fileName: 'x.jpg', size: photoBytes.length, checksum } });
    expect(claim.status).toBe(409);
    expect(JSON.stringify(claim.body)).not.toContain(privatePhoto);
    const opened = await api.call<any>('GET', `/shared-links/me?key=${key}`);
    expect(opened.body.assets).toEqual([]);
    expect((await api.call('GET', `/assets/${privatePhoto}?key=${key}`)).status).toBe(400);
  });

  it('a link holder cannot read or cancel the owner’s own unfinished upload', async () => {
    const mine = await api.call<any>('POST', '/uploads', { key: owner.apiKey, body: { fileName: 'mine.jpg', size: 10, checksum: 'b'.repeat(40) } });
    expect(mine.status).toBe(201);
    expect((await api.call('GET', `/uploads/${mine.body.id}?key=${key}`)).status).toBe(404);
    expect((await api.call('DELETE', `/uploads/${mine.body.id}?key=${key}`)).status).toBe(404);
    expect((await api.call('POST', `/uploads/${mine.body.id}/complete?key=${key}`, { body: { parts: [] } })).status).toBe(404);
    expect((await api.call<any>('GET', `/uploads/${mine.body.id}`, { key: owner.apiKey })).body.status).toBe('uploading');
    // Its own upload, it may follow.
    const theirs = await api.call<any>('POST', `/uploads?key=${key}`, { body: { fileName: 'theirs.jpg', size: 10, checksum: 'c'.repeat(40) } });
    expect(theirs.status).toBe(201);
    expect((await api.call('GET', `/uploads/${theirs.body.id}?key=${key}`)).status).toBe(200);
  });
});
