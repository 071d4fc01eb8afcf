import {
  AssetVisibility,
  changePinCode,
  createAlbum,
  createSharedLink,
  getAlbumInfo,
  getAssetStatistics,
  getAuthStatus,
  getTimeBuckets,
  lockAuthSession,
  resetPinCode,
  searchAssets,
  setupPinCode,
  SharedLinkType,
  unlockAuthSession,
  updateAssets,
} from '@immich/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { startHousehold, type Household, type TestRuntime, type TestUser } from './test-runtime.js';

const HOST = '127.0.0.28';
const PASSWORD = 'a long enough password';
/** What startHousehold gives Bea and Cy. */
const OTHERS_PASSWORD = 'another good password';

interface SyncLine {
  type: string;
  data: Record<string, unknown>;
  ack: string;
}

/**
 * The locked folder as Immich's clients drive it (@immich/sdk at another address): a PIN set,
 * changed and reset; a session unlocked, stretched while used, locked again; and a locked photo
 * reachable by its owner's unlocked session alone — never by a locked session, an API key, a
 * partner (nor their phone's sync), an album member or a link holder, nor in search, counts,
 * memories or the map.
 */
describe('the locked folder', () => {
  let runtime: TestRuntime;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  let cy: TestUser;
  // The SDK's default credential (init: Ada's API key) is blanked: the locked folder is a session's.
  const session = (user: TestUser, token = user.accessToken) => ({ headers: { authorization: `Bearer ${token}`, 'x-api-key': '' } });
  const read = (user: TestUser | string, id: string) => api.call('GET', `/assets/${id}`, typeof user === 'string' ? { token: user } : { key: user.apiKey });

  async function stream(token: string, types: string[]): Promise<SyncLine[]> {
    const response = await fetch(`http://${HOST}:${runtime.port}/api/sync/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ types }),
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    return text.trim() ? text.trimEnd().split('\n').map((l) => JSON.parse(l) as SyncLine) : [];
  }

  beforeAll(async () => {
    ({ runtime, api, ada, bea, cy } = await startHousehold(HOST, [['ada', 'bea']]));
  });
  afterAll(() => runtime?.close());

  it('sets a PIN, unlocks one session, and shows a locked photo to that session alone', async () => {
    expect(await getAuthStatus(session(ada))).toMatchObject({ pinCode: false, password: true, isElevated: false });
    for (const pinCode of ['12345', '1234567', 'abcdef', '١٢٣٤٥٦', ' 123456', 123456, null, '']) {
      const answer = await api.call<{ message: string }>('POST', '/auth/pin-code', { token: ada.accessToken, body: { pinCode } });
      expect(answer, JSON.stringify(pinCode)).toMatchObject({ status: 400, body: { message: 'Validation failed' } });
    }
    await setupPinCode({ pinCodeSetupDto: { pinCode: '123456' } }, session(ada));
    expect(await api.call('POST', '/auth/pin-code', { token: ada.accessToken, body: { pinCode: '654321' } })).toMatchObject({ status: 400, body: { message: 'User already has a PIN code' } });

    const [secret, plain] = await insertSyntheticAssets(runtime.ports.db, ada.id, [
      { localDateTime: '2022-03-01T10:00:00', city: 'Zürich', latitude: 47.37, longitude: 8.54 },
      { localDateTime: '2022-03-01T11:00:00', city: 'Zürich', latitude: 47.37, longitude: 8.54 },
    ]);
    const album = await createAlbum({ createAlbumDto: { albumName: 'Ferien', assetIds: [secret!, plain!], albumUsers: [{ userId: cy.id, role: 'viewer' as never }] } }, session(ada));
    const link = await createSharedLink({ sharedLinkCreateDto: { type: SharedLinkType.Individual, assetIds: [secret!] } }, session(ada));
    // Bea's phone has synced Ada's photos as a partner's.
    const beaFirst = await stream(bea.accessToken, ['PartnerAssetsV2']);
    expect(beaFirst.filter((l) => l.type === 'PartnerAssetV2').map((l) => l.data.id)).toEqual(expect.arrayContaining([secret, plain]));
    expect(await api.ackLast(bea.accessToken, beaFirst)).toBe(204);

    // Into the locked folder: out of the album (its cover moves on) and the link, at once.
    await updateAssets({ assetBulkUpdateDto: { ids: [secret!], visibility: AssetVisibility.Locked } }, session(ada));
    const inAlbum = await getAlbumInfo({ id: album.id }, session(ada));
    expect(inAlbum).toMatchObject({ assetCount: 1, albumThumbnailAssetId: plain });
    expect((await searchAssets({ metadataSearchDto: { albumIds: [album.id] } }, session(ada))).assets.items.map((a) => a.id)).toEqual([plain]);
    expect((await api.call('GET', `/shared-links/${link.id}`, { token: ada.accessToken })).body).toMatchObject({ assets: [] });
    const beaAfter = await stream(bea.accessToken, ['PartnerAssetsV2']);
    expect(beaAfter.filter((l) => l.type === 'PartnerAssetDeleteV1').map((l) => l.data.assetId)).toEqual([secret]);
    expect(beaAfter.filter((l) => l.type === 'PartnerAssetV2').map((l) => l.data.id)).not.toContain(secret);
    expect(await api.ackLast(bea.accessToken, beaAfter)).toBe(204);

    // A locked session, an API key, a partner, an album member, the link: the photo is not there.
    for (const who of [ada.accessToken, ada, bea, cy] as const) {
      expect(await read(who, secret!), typeof who === 'string' ? 'locked session' : who.email).toMatchObject({ status: 400, body: { message: 'Not found or no asset.read access' } });
    }
    expect((await api.call('GET', `/assets/${secret}/thumbnail?key=${link.key}`)).status).toBe(400);
    expect(await api.call('GET', `/assets/${secret}/thumbnail`, { token: ada.accessToken })).toMatchObject({ status: 400 });
    const refused = { status: 401, body: { message: 'Elevated permission is required' } };
    expect(await api.call('GET', '/timeline/buckets?visibility=locked', { token: ada.accessToken })).toMatchObject(refused);
    expect(await api.call('GET', '/timeline/buckets?visibility=locked', { key: ada.apiKey })).toMatchObject(refused);
    expect(await api.call('POST', '/search/metadata', { token: ada.accessToken, body: { visibility: 'locked' } })).toMatchObject(refused);
    expect(await api.call('GET', '/assets/statistics?visibility=locked', { token: ada.accessToken })).toMatchObject(refused);
    const found = await searchAssets({ metadataSearchDto: { city: 'Zürich' } }, session(ada));
    expect(found.assets.items.map((a) => a.id)).toEqual([plain]);
    expect(await getAssetStatistics({}, session(ada))).toMatchObject({ total: 1 });
    // Nor can a locked session take it out again, or delete it.
    expect((await api.call('PUT', '/assets', { token: ada.accessToken, body: { ids: [secret], visibility: 'timeline' } })).status).toBe(400);
    expect((await api.call('DELETE', '/assets', { token: ada.accessToken, body: { ids: [secret], force: true } })).status).toBe(400);

    // Unlocking: the PIN, in a session (an API key has nothing to unlock).
    expect(await api.call('POST', '/auth/session/unlock', { token: ada.accessToken, body: { pinCode: '000000' } })).toMatchObject({ status: 400, body: { message: 'Wrong PIN code' } });
    expect(await api.call('POST', '/auth/session/unlock', { token: ada.accessToken, body: {} })).toMatchObject({ status: 400, body: { message: 'Either password or pinCode is required' } });
    expect(await api.call('POST', '/auth/session/unlock', { key: ada.apiKey, body: { pinCode: '123456' } })).toMatchObject({
      status: 400,
      body: { message: 'This endpoint can only be used with a session token' },
    });
    const before = Date.now();
    await unlockAuthSession({ sessionUnlockDto: { pinCode: '123456' } }, session(ada));
    const status = await getAuthStatus(session(ada));
    expect(immichShapeProblems(status, 'AuthStatusResponseDto')).toEqual([]);
    expect(status).toMatchObject({ pinCode: true, password: true, isElevated: true });
    const opensFor = new Date(status.pinExpiresAt!).getTime() - before;
    expect(opensFor).toBeGreaterThan(14 * 60_000);
    expect(opensFor).toBeLessThan(16 * 60_000);

    // The unlocked session sees it — in the folder, in search and counts — and nobody else does,
    // not even Ada's API key or her other session.
    expect((await read(ada.accessToken, secret!)).status).toBe(200);
    const buckets = await getTimeBuckets({ visibility: AssetVisibility.Locked }, session(ada));
    expect(buckets).toEqual([{ timeBucket: '2022-03-01', count: 1 }]);
    expect((await searchAssets({ metadataSearchDto: { city: 'Zürich' } }, session(ada))).assets.items.map((a) => a.id).sort()).toEqual([secret, plain].sort());
    expect(await getAssetStatistics({ visibility: AssetVisibility.Locked }, session(ada))).toMatchObject({ total: 1 });
    const otherSession = (await api.call<{ accessToken: string }>('POST', '/auth/login', { body: { email: ada.email, password: PASSWORD } })).body.accessToken;
    for (const who of [otherSession, ada, bea, cy] as const) expect((await read(who, secret!)).status).toBe(400);
    // The main timeline, the map and the album never list it, unlocked or not.
    expect((await getTimeBuckets({}, session(ada))).reduce((n, b) => n + b.count, 0)).toBe(1);
    expect((await api.call<unknown[]>('GET', '/map/markers', { token: ada.accessToken })).body.some((m) => (m as { id: string }).id === secret)).toBe(false);
    expect((await api.call('PUT', `/albums/${album.id}/assets`, { token: ada.accessToken, body: { ids: [secret] } })).body).toEqual([{ id: secret, success: false, error: 'no_permission' }]);

    // Used near its end, the unlock stretches; past its end the session is locked.
    await runtime.ports.db.query(`UPDATE sessions SET pin_expires_at = now() + interval '1 minute' WHERE pin_expires_at IS NOT NULL`);
    expect((await read(ada.accessToken, secret!)).status).toBe(200);
    const stretched = new Date((await getAuthStatus(session(ada))).pinExpiresAt!).getTime() - Date.now();
    expect(stretched).toBeGreaterThan(4 * 60_000);
    await runtime.ports.db.query(`UPDATE sessions SET pin_expires_at = now() - interval '1 second' WHERE pin_expires_at IS NOT NULL`);
    expect((await read(ada.accessToken, secret!)).status).toBe(400);
    expect(await getAuthStatus(session(ada))).toMatchObject({ isElevated: false });
    expect((await getAuthStatus(session(ada))).pinExpiresAt).toBeUndefined();

    // Out of the folder again: back in the timeline and on Bea's phone, EXIF and all.
    await unlockAuthSession({ sessionUnlockDto: { pinCode: '123456' } }, session(ada));
    await updateAssets({ assetBulkUpdateDto: { ids: [secret!], visibility: AssetVisibility.Timeline } }, session(ada));
    await lockAuthSession(session(ada));
    expect(await getAuthStatus(session(ada))).toMatchObject({ isElevated: false });
    expect((await read(bea, secret!)).status).toBe(200);
    const beaBack = await stream(bea.accessToken, ['PartnerAssetsV2', 'PartnerAssetExifsV1']);
    expect(beaBack.filter((l) => l.type === 'PartnerAssetV2').map((l) => l.data.id)).toEqual([secret]);
    expect(beaBack.filter((l) => l.type === 'PartnerAssetExifV1').map((l) => l.data.assetId)).toContain(secret);
  });

  it('changes and resets the PIN with the PIN or the password, and a reset locks every session', async () => {
    const { accessToken } = bea;
    expect(await api.call('PUT', '/auth/pin-code', { token: accessToken, body: { pinCode: '111111', newPinCode: '222222' } })).toMatchObject({ status: 400, body: { message: 'User does not have a PIN code' } });
    await setupPinCode({ pinCodeSetupDto: { pinCode: '111111' } }, session(bea));
    expect(await api.call('PUT', '/auth/pin-code', { token: accessToken, body: { pinCode: '999999', newPinCode: '222222' } })).toMatchObject({ status: 400, body: { message: 'Wrong PIN code' } });
    expect(await api.call('PUT', '/auth/pin-code', { token: accessToken, body: { password: 'wrong', newPinCode: '222222' } })).toMatchObject({ status: 400, body: { message: 'Wrong password' } });
    expect(await api.call('PUT', '/auth/pin-code', { token: accessToken, body: { pinCode: '111111', newPinCode: '22222' } })).toMatchObject({ status: 400, body: { message: 'Validation failed' } });
    await changePinCode({ pinCodeChangeDto: { pinCode: '111111', newPinCode: '222222' } }, session(bea));
    await changePinCode({ pinCodeChangeDto: { password: OTHERS_PASSWORD, newPinCode: '333333' } }, session(bea));
    expect((await api.call('POST', '/auth/session/unlock', { token: accessToken, body: { pinCode: '222222' } })).status).toBe(400);
    await unlockAuthSession({ sessionUnlockDto: { pinCode: '333333' } }, session(bea));
    expect(await getAuthStatus(session(bea))).toMatchObject({ isElevated: true });

    expect(await api.call('DELETE', '/auth/pin-code', { token: accessToken, body: { password: 'wrong' } })).toMatchObject({ status: 400, body: { message: 'Wrong password' } });
    await resetPinCode({ pinCodeResetDto: { password: OTHERS_PASSWORD } }, session(bea));
    expect(await getAuthStatus(session(bea))).toMatchObject({ pinCode: false, isElevated: false });
    expect(await api.call('POST', '/auth/session/unlock', { token: accessToken, body: { pinCode: '333333' } })).toMatchObject({ status: 400, body: { message: 'User does not have a PIN code' } });
    await setupPinCode({ pinCodeSetupDto: { pinCode: '444444' } }, session(bea));
  });

  it('refuses the PIN after ten wrong guesses, and keys without the pinCode permissions', async () => {
    await setupPinCode({ pinCodeSetupDto: { pinCode: '246810' } }, session(cy));
    for (let guess = 0; guess < 10; guess++) {
      expect((await api.call('POST', '/auth/session/unlock', { token: cy.accessToken, body: { pinCode: String(100000 + guess) } })).status).toBe(400);
    }
    // Even the right PIN, from another session: the account is held, not the session.
    const again = (await api.call<{ accessToken: string }>('POST', '/auth/login', { body: { email: cy.email, password: OTHERS_PASSWORD } })).body.accessToken;
    const held = await api.call<{ message: string }>('POST', '/auth/session/unlock', { token: again, body: { pinCode: '246810' } });
    expect(held.status).toBe(429);
    expect(held.body.message).toMatch(/^Too many wrong PIN codes/);
    expect(await getAuthStatus(session(cy, again))).toMatchObject({ isElevated: false });

    const limited = await api.call<{ secret: string }>('POST', '/api-keys', { token: ada.accessToken, body: { name: 'frame', permissions: ['asset.read'] } });
    for (const [method, body] of [['POST', { pinCode: '123456' }], ['PUT', { pinCode: '123456', newPinCode: '654321' }], ['DELETE', { pinCode: '123456' }]] as const) {
      expect((await api.call(method, '/auth/pin-code', { key: limited.body.secret, body })).status, method).toBe(403);
    }
    for (const path of ['/auth/pin-code', '/auth/session/unlock', '/auth/session/lock', '/auth/status']) {
      expect((await api.call('POST', path, { body: { pinCode: '123456' } })).status, path).toBe(path === '/auth/status' ? 404 : 401);
    }
  });
});
