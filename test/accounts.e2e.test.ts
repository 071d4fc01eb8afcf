import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_JOBS } from '../functions/scheduled/daily-jobs.js';
import { colourPhoto } from './media-samples.js';
import { startHousehold, type Household, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.35';
const UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const PHONE = 'Immich_Android_1.140.1';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** A licence of Immich's form: the key's groups, and an activation key the size of an RSA-2048 signature. */
const licence = (prefix: 'IMSV' | 'IMCL') => ({
  licenseKey: `${prefix}-${Array.from({ length: 8 }, () => randomBytes(2).toString('hex').toUpperCase()).join('-')}`,
  activationKey: randomBytes(256).toString('base64url'),
});

/**
 * The account side of Immich's API as its clients use it, from another host: the devices
 * signed in to an account (Immich's sessions page), API keys edited after they were made, the
 * admin's settings and what they change, licences, and the admin's system metadata — each
 * tried by the owner, another user, a limited key, a shared link and no one.
 */
describe('accounts, devices and server settings', () => {
  let home: Household;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  const loginAs = async (user: TestUser, userAgent: string, password: string) => {
    const login = await api.call<Json>('POST', '/auth/login', { body: { email: user.email, password }, headers: { 'user-agent': userAgent } });
    expect(login.status).toBe(201);
    return login.body.accessToken as string;
  };

  beforeAll(async () => {
    home = await startHousehold(HOST);
    ({ api, ada, bea } = home);
  });
  afterAll(() => home?.runtime.close());

  describe('sessions', () => {
    it('lists the devices signed in, with the phone app’s version, and marks the one asking', async () => {
      const phone = await loginAs(ada, PHONE, 'a long enough password');
      const browser = await loginAs(ada, CHROME, 'a long enough password');
      const list = await api.call<Json[]>('GET', '/sessions', { token: phone });
      expect(list.status).toBe(200);
      const mine = list.body.find((s) => s.current)!;
      expect(mine).toMatchObject({ deviceOS: 'Android', appVersion: '1.140.1', isPendingSyncReset: false });
      expect(mine.expiresAt).toBeUndefined();
      expect(list.body.filter((s) => s.current)).toHaveLength(1);
      expect(list.body.some((s) => s.deviceType === 'Chrome' && s.deviceOS === 'Linux' && s.appVersion === null)).toBe(true);
      // Bea sees none of Ada's devices.
      const beas = await api.call<Json[]>('GET', '/sessions', { key: bea.apiKey });
      expect(beas.body.every((s) => !list.body.some((a) => a.id === s.id))).toBe(true);
      await api.call('POST', '/auth/logout', { token: browser });
    });

    it('asks one device to sync from scratch, and lets no one else touch it', async () => {
      const phone = await loginAs(ada, PHONE, 'a long enough password');
      const id = (await api.call<Json[]>('GET', '/sessions', { token: phone })).body.find((s) => s.current)!.id as string;
      const reset = await api.call<Json>('PUT', `/sessions/${id}`, { key: ada.apiKey, body: { isPendingSyncReset: true } });
      expect(reset.status).toBe(200);
      expect(reset.body.isPendingSyncReset).toBe(true);
      for (const attempt of [
        api.call<Json>('PUT', `/sessions/${id}`, { key: bea.apiKey, body: { isPendingSyncReset: false } }),
        api.call<Json>('DELETE', `/sessions/${id}`, { key: bea.apiKey }),
        api.call<Json>('POST', `/sessions/${id}/lock`, { key: bea.apiKey }),
      ]) {
        const refused = await attempt;
        expect(refused.status).toBe(400);
        expect(refused.body.message).toMatch(/^Not found or no \w+\.\w+ access$/);
      }
      expect((await api.call('POST', '/auth/validateToken', { token: phone })).status).toBe(200);
      // Malformed ids and bodies are refused before anything is looked up.
      expect((await api.call('PUT', '/sessions/not-a-uuid', { key: ada.apiKey, body: { isPendingSyncReset: true } })).status).toBe(400);
      expect((await api.call('PUT', `/sessions/${id}`, { key: ada.apiKey, body: { isPendingSyncReset: 'yes' } })).status).toBe(400);
      expect((await api.call('PUT', `/sessions/${id}`, { key: ada.apiKey, body: {} })).status).toBe(400);
      expect((await api.call('GET', '/sessions', {})).status).toBe(401);
    });

    it('signs one device out at once, and every other device out while keeping this one', async () => {
      const phone = await loginAs(ada, PHONE, 'a long enough password');
      const laptop = await loginAs(ada, CHROME, 'a long enough password');
      const tablet = await loginAs(ada, CHROME, 'a long enough password');
      // Used once, so a cached credential would answer if signing out forgot it.
      expect((await api.call('GET', '/users/me', { token: phone })).status).toBe(200);
      const phoneId = (await api.call<Json[]>('GET', '/sessions', { token: phone })).body.find((s) => s.current)!.id as string;
      expect((await api.call('DELETE', `/sessions/${phoneId}`, { token: laptop })).status).toBe(204);
      expect((await api.call<Json>('GET', '/users/me', { token: phone })).body.message).toBe('Invalid user token');

      expect((await api.call('DELETE', '/sessions', { token: laptop })).status).toBe(204);
      expect((await api.call('GET', '/users/me', { token: tablet })).status).toBe(401);
      expect((await api.call('GET', '/users/me', { token: laptop })).status).toBe(200);
      const left = (await api.call<Json[]>('GET', '/sessions', { token: laptop })).body;
      expect(left.map((s) => s.current)).toEqual([true]);
      // API keys are not sessions: they keep working.
      expect((await api.call('GET', '/users/me', { key: ada.apiKey })).status).toBe(200);
    });

    it('makes a session for a frame or TV, ending after its duration or with the session that made it', async () => {
      const laptop = await loginAs(bea, CHROME, 'another good password');
      const made = await api.call<Json>('POST', '/sessions', { token: laptop, body: { duration: 3600, deviceType: 'Photo frame', deviceOS: 'Linux 🖼' } });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ deviceType: 'Photo frame', deviceOS: 'Linux 🖼', current: false });
      const end = new Date(made.body.expiresAt).getTime() - Date.now();
      expect(end).toBeGreaterThan(3500_000);
      expect(end).toBeLessThanOrEqual(3600_000);
      expect((await api.call('GET', '/users/me', { token: made.body.token })).status).toBe(200);
      // Made with an API key there is no session for it to belong to.
      expect((await api.call<Json>('POST', '/sessions', { key: bea.apiKey, body: {} })).body.message).toBe('This endpoint can only be used with a session token');
      for (const body of [{ duration: 0 }, { duration: -5 }, { duration: 1.5 }, { duration: 1e12 }, { deviceType: 'x'.repeat(101) }, []]) {
        expect((await api.call('POST', '/sessions', { token: laptop, body })).status, JSON.stringify(body)).toBe(400);
      }
      await api.call('POST', '/auth/logout', { token: laptop });
      expect((await api.call('GET', '/users/me', { token: made.body.token })).status).toBe(401);
    });
  });

  describe('API keys', () => {
    it('renames a key and narrows it; never grants more than the key asking holds, never touches another user’s key', async () => {
      const created = await api.call<Json>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'immich-go', permissions: ['asset.read', 'asset.upload'] } });
      expect(created.status).toBe(201);
      const { apiKey, secret } = created.body;
      expect(apiKey).toMatchObject({ name: 'immich-go', permissions: ['asset.read', 'asset.upload'] });
      expect(Object.keys(apiKey)).not.toContain('key');

      const renamed = await api.call<Json>('PUT', `/api-keys/${apiKey.id}`, { key: ada.apiKey, body: { name: 'Kopie für Oma', permissions: ['asset.read'] } });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: apiKey.id, name: 'Kopie für Oma', permissions: ['asset.read'] });
      // The narrowed key loses upload at once, not after a cache expires.
      expect((await api.call<Json>('POST', '/uploads', { key: secret, body: { fileName: 'a.jpg', size: 1, checksum: 'a'.repeat(40) } })).status).toBe(403);
      expect((await api.call<Json>('GET', '/api-keys/me', { key: secret })).body).toMatchObject({ id: apiKey.id, name: 'Kopie für Oma' });

      // A key with apiKey.update only cannot widen itself.
      const updater = (await api.call<Json>('POST', '/api-keys', { key: ada.apiKey, body: { name: 'updater', permissions: ['apiKey.update'] } })).body;
      const widen = await api.call<Json>('PATCH', `/api-keys/${updater.apiKey.id}`, { key: updater.secret, body: { permissions: ['all'] } });
      expect(widen.status).toBe(400);
      expect(widen.body.message).toBe('Cannot grant permissions you do not have');

      for (const [method, path] of [['PUT', `/api-keys/${apiKey.id}`], ['GET', `/api-keys/${apiKey.id}`], ['DELETE', `/api-keys/${apiKey.id}`], ['PUT', `/api-keys/${UUID}`]] as const) {
        const refused = await api.call<Json>(method, path, { key: bea.apiKey, body: method === 'PUT' ? { name: 'mine now' } : undefined });
        expect(refused.status, `${method} ${path}`).toBe(400);
        expect(refused.body.message).toBe('API Key not found');
      }
      expect((await api.call<Json>('GET', `/api-keys/${apiKey.id}`, { key: ada.apiKey })).body.name).toBe('Kopie für Oma');
      for (const body of [{ name: 'x'.repeat(201) }, { permissions: [] }, { permissions: ['asset.reed'] }, { name: 42 }, 'null']) {
        expect((await api.call('PUT', `/api-keys/${apiKey.id}`, { key: ada.apiKey, body })).status, JSON.stringify(body)).toBe(400);
      }
      const me = await api.call<Json>('GET', '/api-keys/me', { token: await loginAs(ada, CHROME, 'a long enough password') });
      expect(me.status).toBe(403);
      expect(me.body.message).toBe('Not authenticated with an API Key');
      // Immich also takes the key as ?apiKey= (links a photo frame opens).
      expect((await fetch(`http://${HOST}:${home.runtime.port}/api/users/me?apiKey=${encodeURIComponent(ada.apiKey)}`)).status).toBe(200);
      expect((await fetch(`http://${HOST}:${home.runtime.port}/api/users/me?apiKey=wrong`)).status).toBe(401);
    });
  });

  describe('server settings', () => {
    it('are the admin’s alone, and what Shoebox acts on shows in /server/config', async () => {
      expect((await api.call('GET', '/system-config')).status).toBe(401);
      expect((await api.call('GET', '/system-config', { key: bea.apiKey })).status).toBe(403);
      expect((await api.call('PUT', '/admin/config', { key: bea.apiKey, body: { trash: { enabled: true, days: 1 } } })).status).toBe(403);
      const config = (await api.call<Json>('GET', '/admin/config', { key: ada.apiKey })).body;
      expect(config).toMatchObject({ trash: { enabled: true, days: 30 }, newVersionCheck: { enabled: false }, oauth: { buttonText: 'Login with OAuth' } });
      expect(config.machineLearning).toHaveProperty('clip');
      // Immich's clients refuse a settings document without an ML server URL (immichpy: at least one).
      expect(config.machineLearning.urls).toEqual(['http://immich-machine-learning:3003']);

      const changed = await api.call<Json>('PUT', '/system-config', {
        key: ada.apiKey,
        body: { ...config, trash: { enabled: true, days: 7 }, user: { deleteDelay: 3 }, server: { ...config.server, loginPageMessage: 'Willkommen, Familie Müller 👋' }, theme: { customCss: 'body{}' } },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ trash: { days: 7 }, user: { deleteDelay: 3 }, theme: { customCss: 'body{}' } });
      const login = (await api.call<Json>('GET', '/server/config')).body;
      expect(login).toMatchObject({ trashDays: 7, userDeleteDelay: 3, loginPageMessage: 'Willkommen, Familie Müller 👋', oauthButtonText: 'Login with OAuth' });
      expect(Object.keys(login).sort()).toEqual(
        ['externalDomain', 'isInitialized', 'isOnboarded', 'loginPageMessage', 'maintenanceMode', 'mapDarkStyleUrl', 'mapLightStyleUrl', 'minFaces', 'oauthButtonText', 'publicUsers', 'trashDays', 'userDeleteDelay'].sort(),
      );
      expect((await api.call<Json>('GET', '/shoebox/config')).body).toEqual({ mapTileUrl: null });
      // The defaults stay Immich's (and this server's environment's), whatever was changed.
      expect((await api.call<Json>('GET', '/admin/config/defaults', { key: ada.apiKey })).body.trash.days).toBe(30);
    });

    it('the nightly clean-up empties the trash after the days the admin set, not the environment’s', async () => {
      const photo = await api.upload(bea, await colourPhoto(200, 10, 90, 35), 'Müll.jpg');
      expect((await api.call('DELETE', '/assets', { key: bea.apiKey, body: { ids: [photo] } })).status).toBe(204);
      const { db } = home.runtime.ports;
      await db.query(`UPDATE assets SET deleted_at = now() - interval '8 days' WHERE id = $1`, [photo]);
      await api.call('PUT', '/system-config', { key: ada.apiKey, body: { trash: { enabled: true, days: 10 } } });
      await DAILY_JOBS.trash!(home.runtime.ports, new Date());
      expect((await api.call('GET', `/assets/${photo}`, { key: bea.apiKey })).status).toBe(200);
      await api.call('PUT', '/system-config', { key: ada.apiKey, body: { trash: { enabled: true, days: 7 } } });
      expect(await DAILY_JOBS.trash!(home.runtime.ports, new Date())).toBe(1);
      expect((await api.call('GET', `/assets/${photo}`, { key: bea.apiKey })).status).toBe(400);
    });

    it('refuses a wrong value without writing any of the change', async () => {
      const before = (await api.call<Json>('GET', '/system-config', { key: ada.apiKey })).body;
      for (const body of [
        { trash: { enabled: true, days: 'seven' } },
        { trash: { enabled: true, days: -1 } },
        { user: { deleteDelay: 0 } },
        { server: { ...before.server, externalDomain: 'javascript:alert(1)' } },
        { theme: { customCss: 'x' }, storageTemplate: { ...before.storageTemplate, template: '{{y}}/../../etc/{{filename}}' } },
        { theme: 'not an object' },
        [],
      ]) {
        const refused = await api.call<Json>('PUT', '/system-config', { key: ada.apiKey, body });
        expect(refused.status, JSON.stringify(body)).toBe(400);
      }
      expect((await api.call<Json>('GET', '/system-config', { key: ada.apiKey })).body).toEqual(before);
      const options = await api.call<Json>('GET', '/system-config/storage-template-options', { key: ada.apiKey });
      expect(options.body.yearOptions).toContain('y');
    });
  });

  describe('licences', () => {
    it('keeps the server’s licence for the admin, in Immich’s words when it is not one', async () => {
      const key = licence('IMSV');
      expect((await api.call('PUT', '/server/license', { body: key })).status).toBe(401);
      expect((await api.call('PUT', '/server/license', { key: bea.apiKey, body: key })).status).toBe(403);
      expect((await api.call('GET', '/server/license', { key: ada.apiKey })).status).toBe(404);
      for (const bad of [
        { ...key, licenseKey: key.licenseKey.replace('IMSV', 'IMCL') },
        { ...key, activationKey: `invalid${key.activationKey}` },
        { ...key, activationKey: key.activationKey.slice(0, 100) },
      ]) {
        const refused = await api.call<Json>('PUT', '/server/license', { key: ada.apiKey, body: bad });
        expect(refused.status).toBe(400);
        expect(refused.body.message).toBe('Invalid license key');
      }
      for (const bad of [{ licenseKey: 'IMSV-1', activationKey: key.activationKey }, { licenseKey: key.licenseKey }, { ...key, activationKey: 'x'.repeat(5000) }]) {
        expect((await api.call('PUT', '/server/license', { key: ada.apiKey, body: bad })).status).toBe(400);
      }
      expect((await api.call<Json>('GET', '/server/about', { key: ada.apiKey })).body.licensed).toBe(false);

      const activated = await api.call<Json>('PUT', '/server/license', { key: ada.apiKey, body: key });
      expect(activated.status).toBe(200);
      expect(activated.body).toEqual({ ...key, activatedAt: expect.any(String) });
      expect((await api.call<Json>('GET', '/server/license', { key: ada.apiKey })).body).toEqual(activated.body);
      expect((await api.call<Json>('GET', '/server/about', { key: bea.apiKey })).body.licensed).toBe(true);
      expect((await api.call('DELETE', '/server/license', { key: bea.apiKey })).status).toBe(403);
      expect((await api.call('DELETE', '/server/license', { key: ada.apiKey })).status).toBe(204);
      expect((await api.call('GET', '/server/license', { key: ada.apiKey })).status).toBe(404);
    });

    it('keeps each user’s own licence, shown on /users/me, behind its permission', async () => {
      const key = licence('IMCL');
      const limited = (await api.call<Json>('POST', '/api-keys', { key: bea.apiKey, body: { name: 'reader', permissions: ['userLicense.read'] } })).body.secret as string;
      const refused = await api.call<Json>('PUT', '/users/me/license', { key: limited, body: key });
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe('Missing required permission: userLicense.update');
      expect((await api.call('PUT', '/users/me/license', { body: key })).status).toBe(401);

      expect((await api.call<Json>('PUT', '/users/me/license', { key: bea.apiKey, body: key })).body).toEqual({ ...key, activatedAt: expect.any(String) });
      expect((await api.call<Json>('GET', '/users/me', { key: bea.apiKey })).body.license).toEqual({ ...key, activatedAt: expect.any(String) });
      expect((await api.call<Json>('GET', '/users/me/license', { key: limited })).body.licenseKey).toBe(key.licenseKey);
      // Someone else's licence is nobody else's business.
      expect((await api.call('GET', '/users/me/license', { key: ada.apiKey })).status).toBe(404);
      expect((await api.call<Json>('GET', '/users/me', { key: ada.apiKey })).body.license).toBeNull();
      // A server licence serves a user too, as in Immich.
      expect((await api.call('PUT', '/users/me/license', { key: ada.apiKey, body: licence('IMSV') })).status).toBe(200);
      expect((await api.call('DELETE', '/users/me/license', { key: bea.apiKey })).status).toBe(204);
      expect((await api.call<Json>('GET', '/users/me', { key: bea.apiKey })).body.license).toBeNull();
    });
  });

  describe('system metadata and users', () => {
    it('answers the admin pages’ questions for the admin only', async () => {
      for (const path of ['/system-metadata/admin-onboarding', '/system-metadata/reverse-geocoding-state', '/system-metadata/version-check-state']) {
        expect((await api.call('GET', path)).status, path).toBe(401);
        expect((await api.call('GET', path, { key: bea.apiKey })).status, path).toBe(403);
      }
      expect((await api.call<Json>('GET', '/system-metadata/admin-onboarding', { key: ada.apiKey })).body).toEqual({ isOnboarded: true });
      expect((await api.call('POST', '/system-metadata/admin-onboarding', { key: ada.apiKey, body: { isOnboarded: false } })).status).toBe(204);
      expect((await api.call('POST', '/system-metadata/admin-onboarding', { key: ada.apiKey, body: { isOnboarded: 'no' } })).status).toBe(400);
      const places = (await api.call<Json>('GET', '/system-metadata/reverse-geocoding-state', { key: ada.apiKey })).body;
      expect(places.lastImportFileName).toBe('cities500.txt');
      expect(new Date(places.lastUpdate).getTime()).toBeLessThan(Date.now());
      expect((await api.call<Json>('GET', '/system-metadata/version-check-state', { key: ada.apiKey })).body).toEqual({ checkedAt: null, releaseVersion: null });
      expect((await api.call<Json>('GET', '/server/version-check', { key: bea.apiKey })).body).toEqual({ checkedAt: null, releaseVersion: null });
      const about = (await api.call<Json>('GET', '/server/about', { key: bea.apiKey })).body;
      expect(about.libvips).toMatch(/^\d+\.\d+/);
      expect(about.ffmpeg).toMatch(/^\S+$/);
    });

    it('shows one user as others see them; a shared link is no sign-in', async () => {
      const seen = await api.call<Json>('GET', `/users/${bea.id}`, { key: home.cy.apiKey });
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({ id: bea.id, email: bea.email });
      expect(Object.keys(seen.body)).not.toContain('isAdmin');
      expect((await api.call('GET', `/users/${UUID}`, { key: home.cy.apiKey })).status).toBe(404);
      expect((await api.call('GET', '/users/not-a-uuid', { key: home.cy.apiKey })).status).toBe(400);

      const album = (await api.call<Json>('POST', '/albums', { key: ada.apiKey, body: { albumName: 'Ferien' } })).body;
      const link = (await api.call<Json>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'ALBUM', albumId: album.id } })).body;
      const asLink = await api.call<Json>('GET', `/users/me?key=${link.key}`);
      expect(asLink.status).toBe(403);
      expect((await api.call('GET', '/users/me?key=made-up')).status).toBe(403);
    });

    it('an admin edits another user’s preferences; a forced deletion frees the e-mail address at once', async () => {
      const dan = await api.createUser(ada, 'dan@example.com');
      const changed = await api.call<Json>('PUT', `/admin/users/${dan.id}/preferences`, { key: ada.apiKey, body: { memories: { enabled: false } } });
      expect(changed.status).toBe(200);
      expect((await api.call<Json>('GET', '/users/me/preferences', { key: dan.apiKey })).body.memories.enabled).toBe(false);
      expect((await api.call('PUT', `/admin/users/${dan.id}/preferences`, { key: bea.apiKey, body: { memories: { enabled: true } } })).status).toBe(403);
      expect((await api.call('PUT', `/admin/users/${dan.id}/preferences`, { key: ada.apiKey, body: { memories: { enabled: 'no' } } })).status).toBe(400);
      expect((await api.call<Json>('GET', `/admin/users/${dan.id}`, { key: ada.apiKey })).body.shouldChangePassword).toBe(true);
      // Immich's clients send the whole user back; the picture path in it is ignored.
      expect((await api.call<Json>('PUT', `/admin/users/${dan.id}`, { key: ada.apiKey, body: { profileImagePath: '/etc/passwd' } })).body.profileImagePath).toBe('');

      expect((await api.call('DELETE', `/admin/users/${dan.id}`, { key: ada.apiKey, body: { force: true } })).status).toBe(200);
      expect((await api.call('GET', `/admin/users/${dan.id}`, { key: ada.apiKey })).status).toBe(400);
      const again = await api.call<Json>('POST', '/admin/users', { key: ada.apiKey, body: { email: 'dan@example.com', password: 'a new password', name: 'Dan' } });
      expect(again.status).toBe(201);
      const taken = await api.call<Json>('PUT', `/admin/users/${again.body.id}`, { key: ada.apiKey, body: { email: bea.email } });
      expect(taken.body.message).toBe('Email is not available');
    });

    it('a user deleted without force is removed by the nightly job once the admin’s delay has passed', async () => {
      const eve = await api.createUser(ada, 'eve@example.com');
      await api.call('PUT', '/system-config', { key: ada.apiKey, body: { user: { deleteDelay: 5 } } });
      expect((await api.call<Json>('DELETE', `/admin/users/${eve.id}`, { key: ada.apiKey, body: {} })).body.status).toBe('deleted');
      const { db } = home.runtime.ports;
      await db.query(`UPDATE users SET deleted_at = now() - interval '4 days' WHERE id = $1`, [eve.id]);
      expect(await DAILY_JOBS.users!(home.runtime.ports, new Date())).toBe(0);
      await db.query(`UPDATE users SET deleted_at = now() - interval '6 days' WHERE id = $1`, [eve.id]);
      expect(await DAILY_JOBS.users!(home.runtime.ports, new Date())).toBe(1);
      expect((await api.call('GET', `/admin/users/${eve.id}`, { key: ada.apiKey })).status).toBe(400);
    });
  });
});
