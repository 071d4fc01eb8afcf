import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { connect } from 'node:net';
import { startHousehold, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.39';
const OTHER = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/**
 * The rest of an Immich account as its clients use it, from another host: profile pictures,
 * notifications (the admin's and the album invitations), the profile heatmap, API keys rotated,
 * what every client and the login page may read of the settings — each tried by its owner,
 * another user, the admin and no one.
 */
describe('profile pictures, notifications and the rest of an account', () => {
  let home: Household;
  let api: Household['api'];
  let base: string;
  let ada: TestUser;
  let bea: TestUser;
  const as = (user: TestUser | undefined, method: string, path: string, body?: unknown) => api.call<Json>(method, path, { key: user?.apiKey, body });
  const postPicture = (user: TestUser, bytes: Uint8Array, name = 'Profilbild Müller.png') => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    return fetch(`${base}/api/users/profile-image`, { method: 'POST', body: form, headers: { 'x-api-key': user.apiKey } });
  };

  beforeAll(async () => {
    home = await startHousehold(HOST);
    ({ api, ada, bea } = home);
    base = `http://${HOST}:${home.runtime.port}`;
  });
  afterAll(() => home?.runtime.close());

  describe('profile pictures', () => {
    it('stores a picture as sent, shows it to the household, replaces and removes it', async () => {
      const png = await (await import('sharp')).default(await colourPhoto(200, 40, 90, 1)).png().toBuffer();
      const posted = await postPicture(bea, png);
      expect(posted.status).toBe(201);
      const saved = (await posted.json()) as Json;
      expect(saved).toMatchObject({ userId: bea.id, profileImagePath: expect.stringMatching(/^profile\/.+\.png$/), profileChangedAt: expect.any(String) });
      expect((await as(bea, 'GET', '/users/me')).body.profileImagePath).toBe(saved.profileImagePath);
      // Anyone signed in sees it (Immich shows avatars across the household); no one else.
      const seen = await api.media(`/users/${bea.id}/profile-image`, ada.apiKey);
      expect(seen.status).toBe(200);
      expect(seen.headers.get('content-type')).toBe('image/png');
      expect(seen.bytes.equals(png)).toBe(true);
      expect((await fetch(`${base}/api/users/${bea.id}/profile-image`)).status).toBe(401);
      const lines = await api.syncLines(bea.accessToken, ['AuthUsersV1']);
      expect(lines.find((l) => l.type === 'AuthUserV1')?.data.hasProfileImage).toBe(true);

      const jpeg = await colourPhoto(10, 200, 30, 2);
      expect((await postPicture(bea, jpeg, 'neu.jpg')).status).toBe(201);
      const replaced = await api.media(`/users/${bea.id}/profile-image`, ada.apiKey);
      expect(replaced.headers.get('content-type')).toBe('image/jpeg');
      expect(replaced.bytes.equals(jpeg)).toBe(true);

      expect((await as(bea, 'DELETE', '/users/profile-image')).status).toBe(204);
      const gone = await as(ada, 'GET', `/users/${bea.id}/profile-image`);
      expect(gone).toMatchObject({ status: 404, body: { message: 'User does not have a profile image' } });
      expect((await as(bea, 'GET', '/users/me')).body.profileImagePath).toBe('');
      expect((await as(bea, 'DELETE', '/users/profile-image')).status).toBe(204);
    });

    it('refuses what is no picture, too large or cut off, and keeps the old one', async () => {
      const png = await (await import('sharp')).default(await colourPhoto(1, 2, 3, 3)).png().toBuffer();
      expect((await postPicture(ada, png)).status).toBe(201);
      const before = (await as(ada, 'GET', '/users/me')).body.profileImagePath;
      for (const [bytes, status] of [
        [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 400],
        [Buffer.from('just text'), 400],
        [Buffer.alloc(0), 400],
        [Buffer.alloc(26 * 1024 * 1024, 7), 413],
      ] as const) {
        expect((await postPicture(ada, bytes)).status, `${bytes.length} bytes`).toBe(status);
      }
      const noFile = await fetch(`${base}/api/users/profile-image`, { method: 'POST', body: new FormData(), headers: { 'x-api-key': ada.apiKey } });
      expect(noFile.status).toBe(400);
      // A form cut off in the middle of the picture: the connection ends before the body does.
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(home.runtime.port, HOST, () => {
          socket.write(`POST /api/users/profile-image HTTP/1.1\r\nhost: ${HOST}\r\nx-api-key: ${ada.apiKey}\r\ncontent-type: multipart/form-data; boundary=cut\r\ncontent-length: 100000\r\n\r\n`);
          socket.write(Buffer.concat([Buffer.from('--cut\r\ncontent-disposition: form-data; name="file"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n'), png.subarray(0, 100)]));
          socket.end();
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
      expect((await api.call('GET', '/server/ping')).status).toBe(200);
      expect((await as(ada, 'GET', '/users/me')).body.profileImagePath).toBe(before);
      expect((await api.media(`/users/${ada.id}/profile-image`, bea.apiKey)).bytes.equals(png)).toBe(true);
      expect((await as(ada, 'GET', `/users/${OTHER}/profile-image`)).status).toBe(404);
      expect((await as(ada, 'GET', '/users/not-a-uuid/profile-image')).status).toBe(400);
    });
  });

  describe('notifications', () => {
    it('lets the admin send one, which only its recipient reads, marks and deletes', async () => {
      const sent = await as(ada, 'POST', '/admin/notifications', { userId: bea.id, title: 'Neue Fotos 📷', description: 'Von Oma', level: 'success' });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ id: expect.any(String), title: 'Neue Fotos 📷', description: 'Von Oma', level: 'success', type: 'Custom', createdAt: expect.any(String) });
      expect(sent.body.readAt).toBeUndefined();
      const id = sent.body.id as string;
      expect((await as(bea, 'GET', '/notifications')).body).toEqual([sent.body]);
      expect((await as(ada, 'GET', '/notifications')).body).toEqual([]);
      for (const [method, path, body, permission] of [
        ['GET', `/notifications/${id}`, undefined, 'notification.read'],
        ['PUT', `/notifications/${id}`, { readAt: new Date().toISOString() }, 'notification.update'],
        ['DELETE', `/notifications/${id}`, undefined, 'notification.delete'],
        ['PUT', '/notifications', { ids: [id], readAt: new Date().toISOString() }, 'notification.update'],
        ['DELETE', '/notifications', { ids: [id] }, 'notification.delete'],
      ] as const) {
        expect(await as(ada, method, path, body), `${method} ${path} by another user`).toMatchObject({ status: 400, body: { message: `Not found or no ${permission} access` } });
      }
      expect((await as(bea, 'POST', '/admin/notifications', { userId: ada.id, title: 'x' })).status).toBe(403);
      expect((await as(undefined, 'GET', '/notifications')).status).toBe(401);
      expect((await as(ada, 'POST', '/admin/notifications', { userId: OTHER, title: 'to no one' })).status).toBe(400);
      expect((await as(ada, 'POST', '/admin/notifications', { userId: bea.id, title: '' })).status).toBe(400);
      expect((await as(ada, 'POST', '/admin/notifications', { userId: bea.id, title: 'x', level: 'panic' })).status).toBe(400);

      const readAt = '2026-12-03T10:00:00.000Z';
      expect((await as(bea, 'PUT', `/notifications/${id}`, { readAt })).body.readAt).toBe(readAt);
      expect((await as(bea, 'GET', '/notifications?unread=true')).body).toEqual([]);
      expect((await as(bea, 'PUT', '/notifications', { ids: [id], readAt: null })).status).toBe(204);
      expect((await as(bea, 'GET', '/notifications?unread=true')).body).toHaveLength(1);
      // One id that is not hers: nothing changes.
      expect((await as(bea, 'PUT', '/notifications', { ids: [id, OTHER], readAt })).status).toBe(400);
      expect((await as(bea, 'GET', '/notifications?unread=true')).body).toHaveLength(1);
      expect((await as(bea, 'DELETE', `/notifications/${id}`)).status).toBe(204);
      expect((await as(bea, 'GET', '/notifications')).body).toEqual([]);
      expect((await as(bea, 'GET', `/notifications/${id}`)).status).toBe(400);
    });

    it('tells a user an album was shared with them, once', async () => {
      const album = await as(ada, 'POST', '/albums', { albumName: 'Sommer in Łódź', albumUsers: [{ userId: bea.id, role: 'viewer' }] });
      expect(album.status).toBe(201);
      await as(ada, 'PUT', `/albums/${album.body.id}/users`, { albumUsers: [{ userId: home.cy.id, role: 'editor' }, { userId: bea.id, role: 'editor' }] });
      const beas = (await as(bea, 'GET', '/notifications?type=AlbumInvite')).body as unknown as Json[];
      expect(beas).toHaveLength(1);
      expect(beas[0]).toMatchObject({ type: 'AlbumInvite', level: 'success', title: 'Shared Album Invitation', description: 'Admin shared an album (Sommer in Łódź) with you', data: { albumId: album.body.id } });
      expect(((await as(home.cy, 'GET', '/notifications')).body as unknown as Json[]).map((n) => n.type)).toEqual(['AlbumInvite']);
    });

    it('previews e-mail templates with escaped sample values, and says plainly that no e-mail is sent', async () => {
      const preview = await as(ada, 'POST', '/admin/notifications/templates/welcome', { template: '<h1>Willkommen {displayName}</h1><p>{unknown}</p>' });
      expect(preview.status).toBe(200);
      expect(preview.body.name).toBe('welcome');
      expect(preview.body.html).toContain('<h1>Willkommen John Doe</h1><p>{unknown}</p>');
      expect((await as(ada, 'POST', '/admin/notifications/templates/album-invite', { template: '' })).body.html).toContain('Favorite Photos');
      expect((await as(ada, 'POST', '/admin/notifications/templates/nope', { template: '' })).status).toBe(400);
      expect((await as(bea, 'POST', '/admin/notifications/templates/welcome', { template: '' })).status).toBe(403);
      const test = await as(ada, 'POST', '/admin/notifications/test-email', { enabled: true, from: 'a@b.c', transport: { host: 'smtp.example.com' } });
      expect(test.status).toBe(400);
      expect(test.body.message).toMatch(/^Failed to verify SMTP configuration: Shoebox does not send e-mail/);
    });
  });

  describe('the rest of the account', () => {
    it('draws the profile heatmap from the uploads of each day', async () => {
      await api.upload(bea, await colourPhoto(90, 90, 200, 4), 'heat.jpg');
      const today = new Date().toISOString().slice(0, 10);
      const heat = await as(bea, 'GET', '/users/me/calendar-heatmap');
      expect(heat.status).toBe(200);
      expect(heat.body.series).toHaveLength(364);
      expect(heat.body.to).toBe(today);
      expect(heat.body.series.at(-1)).toEqual({ date: today, count: 1 });
      expect(heat.body.totalCount).toBe(1);
      const span = await as(bea, 'GET', `/users/me/calendar-heatmap?from=${today}&to=${today}&type=Taken`);
      expect(span.body.series).toHaveLength(1);
      expect((await as(bea, 'GET', '/users/me/calendar-heatmap?from=2026-12-02&to=2026-01-01')).status).toBe(400);
      expect((await as(bea, 'GET', '/users/me/calendar-heatmap?type=Yesterday')).status).toBe(400);
      expect((await as(ada, 'GET', `/admin/users/${bea.id}/calendar-heatmap`)).body.totalCount).toBe(1);
      expect((await as(bea, 'GET', `/admin/users/${ada.id}/calendar-heatmap`)).status).toBe(403);
      expect((await as(ada, 'GET', '/users/me/calendar-heatmap')).body.totalCount).toBe(0);
    });

    it('rotates an API key: the old secret stops at once, the new one works', async () => {
      const made = await api.call<Json>('POST', '/api-keys', { token: bea.accessToken, body: { name: 'Bilderrahmen', permissions: ['asset.read'] } });
      const rotated = await api.call<Json>('POST', `/api-keys/${made.body.apiKey.id}/rotate`, { token: bea.accessToken });
      expect(rotated.status).toBe(200);
      expect(rotated.body.apiKey).toMatchObject({ id: made.body.apiKey.id, name: 'Bilderrahmen', permissions: ['asset.read'] });
      expect(rotated.body.secret).not.toBe(made.body.secret);
      expect((await api.call('GET', '/timeline/buckets', { key: made.body.secret })).status).toBe(401);
      expect((await api.call('GET', '/timeline/buckets', { key: rotated.body.secret })).status).toBe(200);
      expect((await api.call('POST', `/api-keys/${made.body.apiKey.id}/rotate`, { key: ada.apiKey })).status).toBe(400);
      // A key without apiKey.rotate may not rotate itself.
      expect((await api.call('POST', `/api-keys/${made.body.apiKey.id}/rotate`, { key: rotated.body.secret })).status).toBe(403);
    });

    it('shows the admin a user’s devices, and no one else', async () => {
      const sessions = await as(ada, 'GET', `/admin/users/${bea.id}/sessions`);
      expect(sessions.status).toBe(200);
      expect((sessions.body as unknown as Json[]).length).toBeGreaterThanOrEqual(1);
      expect((await as(bea, 'GET', `/admin/users/${ada.id}/sessions`)).status).toBe(403);
      expect((await as(ada, 'GET', `/admin/users/${OTHER}/sessions`)).status).toBe(404);
    });

    it('lets every client read the settings meant for it, and the login page the public ones, never a secret', async () => {
      const current = (await as(ada, 'GET', '/system-config')).body;
      await as(ada, 'PUT', '/system-config', { ...current, oauth: { ...current.oauth, clientSecret: 'very secret', buttonText: 'Familie' }, theme: { customCss: 'body{color:red}' } });
      const forUsers = await as(bea, 'GET', '/config');
      expect(forUsers.status).toBe(200);
      expect(forUsers.body).toMatchObject({ oauth: { enabled: false, buttonText: 'Familie' }, trash: { enabled: true }, theme: { customCss: 'body{color:red}' }, machineLearning: { ocr: { enabled: false } } });
      expect(Object.keys(forUsers.body).sort()).toEqual(['ffmpeg', 'image', 'machineLearning', 'map', 'oauth', 'passwordLogin', 'reverseGeocoding', 'server', 'theme', 'trash', 'user']);
      const open = await as(undefined, 'GET', '/public/config');
      expect(open.body).toEqual({ oauth: { enabled: false, autoLaunch: false, buttonText: 'Familie' }, passwordLogin: { enabled: true }, server: { loginPageMessage: '' }, theme: { customCss: 'body{color:red}' } });
      for (const body of [forUsers.body, open.body, (await as(bea, 'GET', '/config/defaults')).body]) expect(JSON.stringify(body)).not.toContain('secret');
      expect((await as(undefined, 'GET', '/config')).status).toBe(401);
      expect((await as(undefined, 'GET', '/public/config/defaults')).body.oauth.buttonText).toBe('Login with OAuth');
    });

    it('runs the nightly memories and user clean-up when the admin asks, and says which jobs run only by themselves', async () => {
      const doomed = await api.createUser(ada, 'weg@example.com');
      await as(ada, 'DELETE', `/admin/users/${doomed.id}`, { force: false });
      await home.runtime.ports.db.query(`UPDATE users SET deleted_at = now() - interval '400 days' WHERE id = $1`, [doomed.id]);
      const listed = async () => ((await as(ada, 'GET', '/admin/users?withDeleted=true')).body as unknown as Json[]).some((u) => u.id === doomed.id);
      expect(await listed()).toBe(true);
      expect((await as(ada, 'POST', '/jobs', { name: 'user-cleanup' })).status).toBe(204);
      expect(await listed()).toBe(false);
      expect((await as(ada, 'POST', '/jobs', { name: 'memory-create' })).status).toBe(204);
      const refused = await as(ada, 'POST', '/jobs', { name: 'tag-cleanup' });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/runs tag-cleanup by itself/);
      expect((await as(bea, 'POST', '/jobs', { name: 'memory-create' })).status).toBe(403);
    });

    it('answers cluster groups as the group each account is, and says why accounts cannot be joined yet', async () => {
      const me = (await as(bea, 'GET', '/users/me')).body;
      expect(me.clusterGroupId).toBe(bea.id);
      expect((await as(bea, 'GET', `/cluster-groups/${me.clusterGroupId}/users`)).body).toEqual([expect.objectContaining({ id: bea.id, email: 'bea@example.com' })]);
      expect((await as(bea, 'GET', '/cluster-groups/requests')).body).toEqual([]);
      expect((await as(bea, 'GET', `/cluster-groups/${bea.id}/requests`)).body).toEqual([]);
      const invite = await as(bea, 'PUT', `/cluster-groups/${bea.id}/requests`, { userId: ada.id });
      expect(invite.status).toBe(400);
      expect(invite.body.message).toMatch(/each account keeps its own people/);
      expect(await as(ada, 'GET', `/cluster-groups/${bea.id}/users`)).toMatchObject({ status: 400, body: { message: 'Not found or no clusterGroup.read access' } });
      expect((await as(bea, 'POST', `/cluster-groups/${bea.id}/leave`)).status).toBe(400);
      expect((await as(bea, 'POST', `/cluster-groups/${bea.id}/regenerate-people`)).status).toBe(204);
      expect((await as(undefined, 'GET', '/cluster-groups/requests')).status).toBe(401);
    });

    it('links to the Immich Android app, and unlinks every account from the identity provider', async () => {
      const links = await as(bea, 'GET', '/server/apk-links');
      expect(links.body.universal).toMatch(/^https:\/\/github\.com\/immich-app\/immich\/releases\/download\/v\d+\.\d+\.\d+\/app-release\.apk$/);
      await home.runtime.ports.db.query(`UPDATE users SET oauth_id = 'bea-at-provider' WHERE id = $1`, [bea.id]);
      expect((await as(bea, 'POST', '/admin/auth/unlink-all')).status).toBe(403);
      expect((await as(ada, 'POST', '/admin/auth/unlink-all')).status).toBe(204);
      expect((await as(bea, 'GET', '/users/me')).body.oauthId).toBe('');
    });
  });
});
