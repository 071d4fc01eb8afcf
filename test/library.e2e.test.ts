import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as exifrModule from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAsset } from '../core/assets/asset-queries.js';
import { DAILY_JOBS, runDueDailyJobs } from '../functions/scheduled/daily-jobs.js';
import { extractMetadata } from '../functions/metadata/extract-metadata.js';
import { readMedia } from './media-samples.js';
import { immichShapeProblems } from './immich-shapes.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { apiClient, filesUnder, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
// exifr's UMD build (Node) hangs sidecar() on the default export, its ESM build (Vite) exports it by name.
const exifrSidecar: typeof exifrModule.sidecar =
  exifrModule.sidecar ?? (exifrModule as unknown as { default: typeof exifrModule }).default.sidecar;
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

describe('the library: edits, timeline, trash, albums, sharing, memories, map, admin', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let bea: TestUser;
  let carl: TestUser;
  let photo: string;
  let photoBytes: Buffer;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600', SHOEBOX_TRASH_DAYS: '0', SHOEBOX_USER_DELETE_DAYS: '0' });
    api = apiClient(runtime.url);
    admin = await api.signUpAdmin();
    bea = await api.createUser(admin, 'bea@example.com');
    carl = await api.createUser(admin, 'carl@example.com');
    photoBytes = await readMedia('exif-samples__iphone_hdr_YES.jpg');
    photo = await api.upload(admin, photoBytes, 'IMG_0001.jpg');
  }, 60_000);
  afterAll(async () => runtime?.close());

  const get = (user: TestUser, path: string) => api.call<any>('GET', path, { key: user.apiKey });
  const send = (user: TestUser, method: string, path: string, body?: unknown) => api.call<any>(method, path, { key: user.apiKey, body });

  describe('asset edits', () => {
    it('names the place a photo was taken from its GPS, offline', async () => {
      const { body } = await get(admin, `/assets/${photo}`);
      expect(body.exifInfo).toMatchObject({ city: 'Madrid', country: 'Spain' });
    });

    it('stores edits as data and in an XMP sidecar, never touching the original', async () => {
      const edited = await send(admin, 'PUT', `/assets/${photo}`, {
        description: 'Dinner at <Casa> & friends',
        rating: 4,
        dateTimeOriginal: '2020-02-03T04:05:06+09:00',
        latitude: 38.7223,
        longitude: -9.1393,
        isFavorite: true,
      });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ isFavorite: true, localDateTime: '2020-02-03T04:05:06.000Z', fileCreatedAt: '2020-02-02T19:05:06.000Z' });
      expect(edited.body.exifInfo).toMatchObject({ description: 'Dinner at <Casa> & friends', rating: 4, city: 'Lisbon', country: 'Portugal', latitude: 38.7223 });

      const sidecars = (await filesUnder(runtime.dataDir)).filter((f) => f.endsWith('-edits.xmp'));
      expect(sidecars).toHaveLength(1);
      const xmp = (await exifrSidecar(await readFile(sidecars[0]!), undefined, 'xmp')) as Json;
      // exifr leaves XML entities as written; any XMP reader decodes them.
      expect(xmp.dc.description.value).toBe('Dinner at &lt;Casa&gt; &amp; friends');
      expect(xmp.xmp.Rating).toBe(4);
      expect(xmp.exif.DateTimeOriginal).toBe('2020-02-03T04:05:06+09:00');
      expect(xmp.exif.GPSLatitude).toMatch(/^38,43\.\d+N$/);
      expect(xmp.exif.GPSLongitude).toMatch(/^9,8\.\d+W$/);

      expect(sha1((await api.media(`/assets/${photo}/original`, admin.apiKey)).bytes)).toBe(sha1(photoBytes));
    });

    it('keeps edits when the metadata stage reads the file again', async () => {
      const asset = (await getAsset(runtime.ports.db, photo))!;
      await extractMetadata({ bucket: 'shoebox', key: asset.originalPath, size: photoBytes.length, etag: undefined }, runtime.ports);
      const { body } = await get(admin, `/assets/${photo}`);
      expect(body.localDateTime).toBe('2020-02-03T04:05:06.000Z');
      expect(body.exifInfo).toMatchObject({ description: 'Dinner at <Casa> & friends', rating: 4, city: 'Lisbon', make: 'Apple' });
    });

    it('edits in bulk, and refuses others’ assets and bad values without changing anything', async () => {
      const [mine] = await insertSyntheticAssets(runtime.ports.db, bea.id, [{ localDateTime: '2021-05-05T10:00:00' }]);
      expect((await send(bea, 'PUT', '/assets', { ids: [mine, photo], isFavorite: true })).status).toBe(400);
      expect((await get(bea, `/assets/${mine}`)).body.isFavorite).toBe(false);
      expect((await send(bea, 'PUT', '/assets', { ids: [mine], isFavorite: true, visibility: 'archive' })).status).toBe(204);
      expect((await get(bea, `/assets/${mine}`)).body).toMatchObject({ isFavorite: true, isArchived: true });
      for (const bad of [{ rating: 9 }, { latitude: 91, longitude: 0 }, { latitude: 10 }, { dateTimeOriginal: 'yesterday' }, { owner: 'x' }]) {
        expect((await send(bea, 'PUT', `/assets/${mine}`, bad)).status, JSON.stringify(bad)).toBe(400);
      }
      expect((await send(bea, 'PUT', `/assets/${photo}`, { rating: 1 })).status).toBe(400);
      expect((await get(admin, `/assets/${photo}`)).body.exifInfo.rating).toBe(4);
    });

    it('joins a still and its video into a live photo, and separates them again', async () => {
      const [still, video, other] = await insertSyntheticAssets(runtime.ports.db, bea.id, [
        { localDateTime: '2023-09-09T09:09:09' },
        { localDateTime: '2023-09-09T09:09:09', type: 'VIDEO' },
        { localDateTime: '2023-09-09T09:09:10', type: 'VIDEO' },
      ]);
      const september = async () => (await get(bea, '/timeline/buckets')).body.find((b: Json) => b.timeBucket === '2023-09-01')?.count;
      expect(await september()).toBe(3);
      expect((await send(bea, 'PUT', `/assets/${still}`, { livePhotoVideoId: video })).body.livePhotoVideoId).toBe(video);
      expect(await september()).toBe(2);
      expect((await send(bea, 'PUT', `/assets/${video}`, { livePhotoVideoId: other })).status).toBe(400);
      expect((await send(bea, 'PUT', `/assets/${still}`, { livePhotoVideoId: photo })).status).toBe(400);
      // Immich's messages: the motion part must be a video, and the same person's.
      expect((await send(bea, 'PUT', `/assets/${still}`, { livePhotoVideoId: still })).body).toEqual({ message: 'Live photo video must be a video' });
      const [adasVideo] = await insertSyntheticAssets(runtime.ports.db, admin.id, [{ localDateTime: '2023-09-09T09:09:09', type: 'VIDEO' }]);
      expect((await send(bea, 'PUT', `/assets/${still}`, { livePhotoVideoId: adasVideo })).status).toBe(400);
      expect((await send(bea, 'PUT', `/assets/${still}`, { livePhotoVideoId: null })).body.livePhotoVideoId).toBeNull();
      expect(await september()).toBe(3);
    });

    it('moves capture times by minutes in bulk, rates -1 (rejected), and writes EXIF instants as Immich does', async () => {
      const [one, two] = await insertSyntheticAssets(runtime.ports.db, bea.id, [{ localDateTime: '2023-11-20T01:11:00' }, { localDateTime: '2023-11-21T10:00:00' }]);
      expect((await send(bea, 'PUT', `/assets/${one}`, { dateTimeOriginal: '2023-11-19T18:11:00.000-07:00', rating: -1 })).body.exifInfo).toMatchObject({
        dateTimeOriginal: '2023-11-20T01:11:00+00:00',
        timeZone: 'UTC-7',
        rating: -1,
      });
      // A trailing slash is the same route, as on Immich's server.
      expect((await send(bea, 'PUT', '/assets/', { ids: [one, two], dateTimeRelative: -1441 })).status).toBe(204);
      const [a, b] = [(await get(bea, `/assets/${one}`)).body, (await get(bea, `/assets/${two}`)).body];
      expect(a.exifInfo.dateTimeOriginal).toBe('2023-11-19T01:10:00+00:00');
      expect(a.localDateTime).toBe('2023-11-18T18:10:00.000Z');
      expect(b.localDateTime).toBe('2023-11-20T09:59:00.000Z');
      expect((await send(bea, 'PUT', '/assets', { ids: [one], dateTimeRelative: 1.5 })).status).toBe(400);
      expect((await send(bea, 'PUT', '/assets', { ids: [one], dateTimeRelative: 5, dateTimeOriginal: '2023-01-01T00:00:00Z' })).status).toBe(400);
      expect((await send(bea, 'PUT', `/assets/${one}`, { rating: -2 })).status).toBe(400);
      expect((await send(bea, 'PUT', '/assets', { ids: [photo], dateTimeRelative: 60 })).status).toBe(400);
    });

    it('keeps keywords as tags, in the sidecar too, and finds assets by them', async () => {
      const edited = await send(admin, 'PUT', `/assets/${photo}`, { tags: ['beach', 'family', 'beach'] });
      expect(edited.body.tags.map((t: Json) => t.name)).toEqual(['beach', 'family']);
      const sidecar = (await filesUnder(runtime.dataDir)).find((f) => f.endsWith('-edits.xmp') && f.includes(photo))!;
      expect(((await exifrSidecar(await readFile(sidecar), undefined, 'xmp')) as Json).dc.subject).toEqual(['beach', 'family']);
      const found = await send(admin, 'POST', '/search/metadata', { tagNames: ['family'] });
      expect(found.body.assets.items.map((a: Json) => a.id)).toEqual([photo]);
      expect((await send(admin, 'POST', '/search/metadata', { tagNames: ['family', 'mountains'] })).body.assets.total).toBe(0);
    });

    it('finds assets by place, camera and description', async () => {
      const search = (body: Json) => send(admin, 'POST', '/search/metadata', body).then((r) => r.body.assets.items.map((a: Json) => a.id));
      expect(await search({ city: 'lisbon' })).toEqual([photo]);
      expect(await search({ make: 'Apple', model: 'iPhone 6' })).toEqual([photo]);
      expect(await search({ description: 'casa' })).toEqual([photo]);
      expect(await search({ city: 'Madrid' })).toEqual([]);
    });

    it('suggests the places and cameras the owner’s photos have, narrowed by the field above', async () => {
      const suggest = (user: TestUser, query: string) => get(user, `/search/suggestions?${query}`);
      expect((await suggest(admin, 'type=city')).body).toEqual(['Lisbon']);
      expect((await suggest(admin, 'type=country')).body).toEqual(['Portugal']);
      expect((await suggest(admin, 'type=camera-make')).body).toEqual(['Apple']);
      expect((await suggest(admin, 'type=camera-model&make=Apple')).body).toEqual(['iPhone 6']);
      expect((await suggest(admin, 'type=camera-model&make=Canon')).body).toEqual([]);
      expect((await suggest(admin, 'type=city&country=Spain')).body).toEqual([]);
      // Only the timeline counts, as in Immich: an archived photo's place is no suggestion.
      await insertSyntheticAssets(runtime.ports.db, admin.id, [{ localDateTime: '2019-03-03T10:00:00', visibility: 'archive', city: 'Porto', latitude: 41.15, longitude: -8.61 }]);
      expect((await suggest(admin, 'type=city')).body).toEqual(['Lisbon']);
      // Immich's includeNull: the chip for "not known" comes last.
      expect((await suggest(admin, 'type=country&includeNull=true')).body).toEqual(['Portugal', null]);
      // Another user's photos are not theirs to list; bad types and hostile values are refused or inert.
      expect((await suggest(carl, 'type=city')).body).toEqual([]);
      expect((await suggest(admin, 'type=password')).status).toBe(400);
      expect((await suggest(admin, 'type=city&country=%27%3B%20DROP%20TABLE%20assets%3B--')).body).toEqual([]);
      expect((await suggest(admin, `type=city&state=${'x'.repeat(201)}`)).status).toBe(400);
      expect((await api.call('GET', '/search/suggestions?type=city')).status).toBe(401);
    });
  });

  describe('timeline', () => {
    let ids: string[];
    beforeAll(async () => {
      ids = await insertSyntheticAssets(runtime.ports.db, carl.id, [
        { localDateTime: '2021-01-01T00:30:00', timeZone: '+09:00' }, // 31 Dec in UTC, January where it was taken
        { localDateTime: '2021-01-15T12:00:00', isFavorite: true },
        { localDateTime: '2021-01-20T08:00:00', visibility: 'archive' },
        { localDateTime: '2020-12-24T18:00:00', timeZone: '-05:00' },
        { localDateTime: '2019-07-04T09:00:00', type: 'VIDEO' },
        { localDateTime: '2021-01-10T09:00:00', visibility: 'hidden' }, // a live photo's motion part
      ]);
    });

    it('counts months by local capture time, newest first', async () => {
      const { body } = await get(carl, '/timeline/buckets');
      expect(body).toEqual([
        { timeBucket: '2021-01-01', count: 2 },
        { timeBucket: '2020-12-01', count: 1 },
        { timeBucket: '2019-07-01', count: 1 },
      ]);
      expect((await get(carl, '/timeline/buckets?order=asc')).body[0].timeBucket).toBe('2019-07-01');
      expect((await get(carl, '/timeline/buckets?isFavorite=true')).body).toEqual([{ timeBucket: '2021-01-01', count: 1 }]);
      expect((await get(carl, '/timeline/buckets?type=VIDEO')).body).toEqual([{ timeBucket: '2019-07-01', count: 1 }]);
      expect((await get(carl, '/timeline/buckets?visibility=archive')).body).toEqual([{ timeBucket: '2021-01-01', count: 1 }]);
    });

    it('serves a month as columns, ordered by local time', async () => {
      const { body } = await get(carl, '/timeline/bucket?timeBucket=2021-01-01');
      expect(body.id).toEqual([ids[1], ids[0]]);
      expect(body.localOffsetHours).toEqual([0, 9]);
      expect(body.fileCreatedAt[1]).toBe('2020-12-31T15:30:00.000Z');
      expect(body.isFavorite).toEqual([true, false]);
      expect(body.ratio[0]).toBeCloseTo(4 / 3);
      expect((await get(carl, '/timeline/bucket?timeBucket=2019-07-01')).body.isImage).toEqual([false]);
    });

    it('refuses malformed buckets and other people’s libraries', async () => {
      expect((await get(carl, '/timeline/bucket?timeBucket=2021-13')).status).toBe(400);
      expect((await get(carl, '/timeline/bucket?timeBucket=2021-01-01&isFavorite=maybe')).status).toBe(400);
      expect((await get(carl, `/timeline/buckets?userId=${bea.id}`)).status).toBe(400);
      expect((await get(bea, '/timeline/buckets')).body.some((b: Json) => b.timeBucket === '2021-01-01' && b.count === 2)).toBe(false);
    });
  });

  describe('trash', () => {
    it('trashes, restores, and empties for good — rows and files', async () => {
      const bytes = await readMedia('test-assets__silver_fir.jpg');
      const id = await api.upload(carl, bytes, 'fir.jpg');
      const filesBefore = (await filesUnder(runtime.dataDir)).filter((f) => f.includes(id));
      expect(filesBefore.length).toBe(3);
      expect((await send(carl, 'DELETE', '/assets', { ids: [id] })).status).toBe(204);
      expect((await get(carl, `/assets/${id}`)).body.isTrashed).toBe(true);
      expect((await get(carl, '/timeline/buckets?isTrashed=true')).body).toHaveLength(1);
      expect((await send(carl, 'POST', '/trash/restore')).body).toEqual({ count: 1 });
      expect((await get(carl, `/assets/${id}`)).body.isTrashed).toBe(false);
      await send(carl, 'DELETE', '/assets', { ids: [id] });
      expect((await send(carl, 'POST', '/trash/empty')).body).toEqual({ count: 1 });
      expect((await get(carl, `/assets/${id}`)).status).toBe(400);
      expect((await filesUnder(runtime.dataDir)).filter((f) => f.includes(id))).toEqual([]);
    });

    it('empties trash older than the retention in the daily job, nothing else', async () => {
      const [old, kept] = await insertSyntheticAssets(runtime.ports.db, carl.id, [
        { localDateTime: '2018-01-01T00:00:00' },
        { localDateTime: '2018-01-02T00:00:00' },
      ]);
      await send(carl, 'DELETE', '/assets', { ids: [old] });
      expect(await DAILY_JOBS.trash!(runtime.ports, new Date(Date.now() + 1000))).toBe(1);
      expect((await get(carl, `/assets/${old}`)).status).toBe(400);
      expect((await get(carl, `/assets/${kept}`)).status).toBe(200);
    });

    it('claims each daily job once a day', async () => {
      await runtime.ports.db.query('DELETE FROM scheduled_runs');
      const first = await runDueDailyJobs(runtime.ports);
      // The backup waits for SHOEBOX_BACKUP_HOUR (02:00 by default), so it is here only after it.
      const backup = new Date().getHours() >= runtime.ports.config.backups.hour ? ['backup'] : [];
      expect(Object.keys(first).sort()).toEqual([...backup, 'integrity', 'libraries', 'memories', 'notifications', 'sessions', 'sync', 'trash', 'users'].sort());
      expect(await runDueDailyJobs(runtime.ports)).toEqual({});
    });
  });

  describe('albums and their activity', () => {
    let album: string;
    let beaPhoto: string;

    it('creates an album with assets and members, reporting duplicates and refusals per asset', async () => {
      beaPhoto = (await insertSyntheticAssets(runtime.ports.db, bea.id, [{ localDateTime: '2022-08-01T10:00:00' }]))[0]!;
      const created = await send(admin, 'POST', '/albums', { albumName: 'Summer', assetIds: [photo], albumUsers: [{ userId: bea.id, role: 'viewer' }] });
      expect(created.status).toBe(201);
      album = created.body.id;
      expect(created.body).toMatchObject({ albumName: 'Summer', assetCount: 1, shared: true, albumThumbnailAssetId: photo });
      // Immich 3: the owner first, then the members.
      expect(created.body.albumUsers).toEqual([{ user: expect.objectContaining({ id: admin.id }), role: 'owner' }, { user: expect.objectContaining({ id: bea.id }), role: 'viewer' }]);

      const added = await send(admin, 'PUT', `/albums/${album}/assets`, { ids: [photo, beaPhoto] });
      expect(added.body).toEqual([
        { id: photo, success: false, error: 'duplicate' },
        { id: beaPhoto, success: false, error: 'no_permission' },
      ]);
    });

    it('lets a viewer see and comment but not add; an editor adds their own photos', async () => {
      expect(await api.albumAssetIds(bea, album)).toEqual([photo]);
      expect((await get(bea, `/assets/${photo}`)).status).toBe(200);
      expect((await send(bea, 'PUT', `/albums/${album}/assets`, { ids: [beaPhoto] })).status).toBe(400);
      expect((await send(bea, 'PATCH', `/albums/${album}`, { albumName: 'Mine now' })).status).toBe(400);
      expect((await send(admin, 'PUT', `/albums/${album}/user/${bea.id}`, { role: 'editor' })).status).toBe(204);
      expect((await send(bea, 'PUT', `/albums/${album}/assets`, { ids: [beaPhoto] })).body).toEqual([{ id: beaPhoto, success: true }]);
      // The owner sees what the editor added, through the album.
      expect((await get(admin, `/assets/${beaPhoto}`)).status).toBe(200);
      expect((await get(carl, `/albums/${album}`)).status).toBe(400);
      expect((await get(bea, '/albums?shared=true')).body.map((a: Json) => a.id)).toEqual([album]);
      expect((await get(admin, '/albums?shared=false')).body).toEqual([]);
      expect((await get(admin, '/albums/statistics')).body).toEqual({ owned: 1, shared: 1, notShared: 0 });
    });

    it('keeps comments and likes: one like per person, authors and the owner delete', async () => {
      const comment = await send(bea, 'POST', '/activities', { albumId: album, assetId: photo, type: 'comment', comment: 'Lovely!' });
      expect(comment.status).toBe(201);
      expect(comment.body).toMatchObject({ type: 'comment', comment: 'Lovely!', assetId: photo, user: { id: bea.id } });
      const like = await send(bea, 'POST', '/activities', { albumId: album, type: 'like' });
      const again = await send(bea, 'POST', '/activities', { albumId: album, type: 'like' });
      expect([like.status, again.status]).toEqual([201, 200]);
      expect(again.body.id).toBe(like.body.id);
      const ownerComment = await send(admin, 'POST', '/activities', { albumId: album, type: 'comment', comment: 'Thanks' });
      expect((await get(bea, `/activities?albumId=${album}`)).body.map((a: Json) => a.type)).toEqual(['comment', 'like', 'comment']);
      expect((await get(bea, `/activities?albumId=${album}&level=album`)).body).toHaveLength(2);
      expect((await get(bea, `/activities/statistics?albumId=${album}`)).body).toEqual({ comments: 2, likes: 1 });
      expect((await get(carl, `/activities?albumId=${album}`)).status).toBe(400);
      expect((await send(carl, 'POST', '/activities', { albumId: album, type: 'like' })).status).toBe(400);
      expect((await send(bea, 'POST', '/activities', { albumId: album, type: 'comment' })).status).toBe(400);
      expect((await send(bea, 'DELETE', `/activities/${ownerComment.body.id}`)).status).toBe(400);
      expect((await send(admin, 'DELETE', `/activities/${comment.body.id}`)).status).toBe(204);
      expect((await send(bea, 'DELETE', `/activities/${like.body.id}`)).status).toBe(204);
      expect((await get(bea, `/activities/statistics?albumId=${album}`)).body).toEqual({ comments: 1, likes: 0 });
    });

    it('renames, re-covers, removes assets and members; a member can leave', async () => {
      const patched = await send(admin, 'PATCH', `/albums/${album}`, { albumName: 'Summer 2022', albumThumbnailAssetId: beaPhoto, order: 'asc' });
      expect(patched.body).toMatchObject({ albumName: 'Summer 2022', albumThumbnailAssetId: beaPhoto, order: 'asc' });
      expect((await send(admin, 'PATCH', `/albums/${album}`, { albumThumbnailAssetId: crypto.randomUUID() })).status).toBe(400);
      // An editor removes only what they own or added.
      expect((await send(bea, 'DELETE', `/albums/${album}/assets`, { ids: [photo] })).body).toEqual([{ id: photo, success: false, error: 'no_permission' }]);
      expect((await send(bea, 'DELETE', `/albums/${album}/assets`, { ids: [beaPhoto] })).body).toEqual([{ id: beaPhoto, success: true }]);
      expect((await get(admin, `/albums/${album}`)).body).toMatchObject({ assetCount: 1, albumThumbnailAssetId: photo });
      expect((await send(bea, 'DELETE', `/albums/${album}/user/me`)).status).toBe(204);
      expect((await get(bea, `/albums/${album}`)).status).toBe(400);
      expect((await send(admin, 'DELETE', `/albums/${album}/user/me`)).status).toBe(400);
    });
  });

  describe('shared links', () => {
    let album: string;
    let inAlbum: string;
    let notShared: string;

    beforeAll(async () => {
      const ids = await insertSyntheticAssets(runtime.ports.db, admin.id, [
        { localDateTime: '2023-03-03T03:03:03', latitude: 38.7, longitude: -9.1, city: 'Lisbon' },
        { localDateTime: '2023-03-04T03:03:03' },
      ]);
      [inAlbum, notShared] = [ids[0]!, ids[1]!];
      album = (await send(admin, 'POST', '/albums', { albumName: 'Public', assetIds: [inAlbum, photo] })).body.id;
    });

    const open = (path: string, init: RequestInit = {}) => fetch(`${runtime.url}/api${path}`, { redirect: 'manual', ...init });

    it('shows exactly what an album link grants, to anyone holding the key', async () => {
      const link = await send(admin, 'POST', '/shared-links', { type: 'ALBUM', albumId: album, allowDownload: false, showMetadata: false });
      expect(link.status).toBe(201);
      const key = link.body.key as string;
      const me = await (await open(`/shared-links/me?key=${key}`)).json();
      expect(me.album.albumName).toBe('Public');
      expect(me.assets.map((a: Json) => a.id).sort()).toEqual([inAlbum, photo].sort());
      expect(me.assets.every((a: Json) => a.exifInfo === undefined)).toBe(true);
      expect((await open(`/assets/${photo}?key=${key}`)).status).toBe(200);
      expect((await (await open(`/assets/${photo}?key=${key}`)).json()).exifInfo).toBeUndefined();
      expect((await open(`/assets/${photo}/thumbnail?key=${key}`)).status).toBe(200);
      expect((await open(`/assets/${photo}/original?key=${key}`)).status).toBe(403);
      expect((await open(`/assets/${notShared}?key=${key}`)).status).toBe(400);
      expect((await (await open(`/timeline/buckets?key=${key}`)).json())).toEqual([
        { timeBucket: '2023-03-01', count: 1 },
        { timeBucket: '2020-02-01', count: 1 },
      ]);
      // The key opens the link's content, not its owner's account (Immich's 403: a link is no sign-in).
      for (const [method, path] of [['GET', '/albums'], ['GET', '/users/me'], ['POST', '/trash/empty']] as const) {
        expect((await open(`${path}?key=${key}`, { method })).status, path).toBe(403);
      }
      expect((await send(admin, 'DELETE', `/shared-links/${link.body.id}`)).status).toBe(204);
      expect((await open(`/shared-links/me?key=${key}`)).status).toBe(401);
      expect((await open(`/assets/${photo}?key=${key}`)).status).toBe(401);
    });

    it('asks for the password, counts wrong ones, and honours expiry', async () => {
      const link = await send(admin, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [notShared], password: 'open sesame' });
      const key = link.body.key as string;
      expect(link.body.password).toBeNull();
      expect(link.body.hasPassword).toBe(true);
      expect((await open(`/shared-links/me?key=${key}`)).status).toBe(401);
      expect((await open(`/assets/${notShared}?key=${key}`)).status).toBe(401);
      const opened = await open(`/shared-links/me?key=${key}&password=open%20sesame`);
      expect(opened.status).toBe(200);
      const { token, assets } = await opened.json();
      expect(assets.map((a: Json) => a.id)).toEqual([notShared]);
      expect(opened.headers.get('set-cookie')).toContain('immich_shared_link_token=');
      expect((await open(`/assets/${notShared}?key=${key}&token=${token}`)).status).toBe(200);
      expect((await open(`/assets/${photo}?key=${key}&token=${token}`)).status).toBe(400);

      // Immich 3's way in: POST /shared-links/login with the password in the body, a cookie back.
      const login = (password: unknown, k = key) => open(`/shared-links/login?key=${k}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
      const loggedIn = await login('open sesame');
      expect(loggedIn.status).toBe(201);
      expect(loggedIn.headers.get('set-cookie')).toContain('immich_shared_link_token=');
      expect(await loggedIn.json()).toMatchObject({ key, token, type: 'INDIVIDUAL', assets: [expect.objectContaining({ id: notShared })] });
      expect(await (await login('wrong')).json()).toEqual({ message: 'Invalid password' });
      expect((await login('')).status).toBe(400);
      expect(await (await login('x', 'no-such-key')).json()).toEqual({ message: 'Invalid share key' });
      const open_ = await send(admin, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [notShared] });
      expect(await (await login('x', open_.body.key)).json()).toEqual({ message: 'Shared link is not password protected' });

      for (let i = 0; i < 9; i++) expect((await open(`/shared-links/me?key=${key}&password=guess${i}`)).status).toBe(401);
      expect((await open(`/shared-links/me?key=${key}&password=open%20sesame`)).status).toBe(429);

      const expired = await send(admin, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [notShared], expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect((await open(`/shared-links/me?key=${expired.body.key}`)).status).toBe(401);
      expect((await open(`/assets/${notShared}?key=${expired.body.key}`)).status).toBe(401);
    });

    it('takes uploads through a link that allows them, into its album, as the owner’s', async () => {
      const link = await send(admin, 'POST', '/shared-links', { type: 'ALBUM', albumId: album, allowUpload: true });
      const readOnly = await send(admin, 'POST', '/shared-links', { type: 'ALBUM', albumId: album });
      const bytes = await readMedia('exifr__noexif.jpg');
      const body = { fileName: 'from-a-guest.jpg', size: bytes.length, checksum: sha1(bytes) };
      expect((await open(`/uploads?key=${readOnly.body.key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status).toBe(403);
      const ticket = await (await open(`/uploads?key=${link.body.key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
      expect((await fetch(ticket.upload.url, { method: 'PUT', body: new Uint8Array(bytes) })).status).toBe(200);
      // The timeline shows an upload once the store has told the pipeline it arrived.
      const asset = await waitFor(async () => {
        const read = await get(admin, `/assets/${ticket.id}`);
        return read.body.status === 'uploading' ? undefined : read;
      }, 'the guest’s upload to arrive');
      expect(asset.body.ownerId).toBe(admin.id);
      expect(await api.albumAssetIds(admin, album)).toContain(ticket.id);
    });

    it('manages links: list, edit, assets of an individual link; others cannot', async () => {
      const link = await send(admin, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [notShared] });
      expect((await send(admin, 'PUT', `/shared-links/${link.body.id}/assets`, { assetIds: [inAlbum, notShared] })).body).toEqual([
        { assetId: inAlbum, success: true },
        { assetId: notShared, success: false, error: 'duplicate' },
      ]);
      expect((await send(admin, 'PATCH', `/shared-links/${link.body.id}`, { description: 'For grandma', allowDownload: false })).body).toMatchObject({
        description: 'For grandma',
        allowDownload: false,
      });
      expect((await get(admin, '/shared-links')).body.length).toBeGreaterThanOrEqual(3);
      expect((await get(bea, '/shared-links')).body).toEqual([]);
      expect((await get(bea, `/shared-links/${link.body.id}`)).status).toBe(400);
      expect((await send(bea, 'DELETE', `/shared-links/${link.body.id}`)).status).toBe(400);
      expect((await send(bea, 'POST', '/shared-links', { type: 'INDIVIDUAL', assetIds: [notShared] })).status).toBe(400);
      expect((await send(bea, 'POST', '/shared-links', { type: 'ALBUM', albumId: album })).status).toBe(400);
      expect((await send(admin, 'POST', '/shared-links', { type: 'ALBUM' })).status).toBe(400);
    });
  });

  describe('partners', () => {
    let daisy: TestUser;
    let daisyPhotos: string[];

    beforeAll(async () => {
      daisy = await api.createUser(admin, 'daisy@example.com');
      daisyPhotos = await insertSyntheticAssets(runtime.ports.db, daisy.id, [
        { localDateTime: '2024-04-04T10:00:00' },
        { localDateTime: '2024-04-05T10:00:00', visibility: 'archive' },
        { localDateTime: '2024-04-06T10:00:00', visibility: 'locked' },
      ]);
    });

    it('shares a whole library read-only; the partner chooses the timeline; sharing stops at once', async () => {
      expect((await get(carl, `/assets/${daisyPhotos[0]}`)).status).toBe(400);
      const shared = await send(daisy, 'POST', '/partners', { sharedWithId: carl.id });
      expect(shared.status).toBe(201);
      expect(shared.body).toMatchObject({ id: carl.id, inTimeline: false });
      // Sharing again is refused in Immich's words, by either path; the share stays as it was.
      expect((await send(daisy, 'POST', `/partners/${carl.id}`)).body).toEqual({ message: 'Partner already exists' });
      expect((await get(carl, '/partners?direction=shared-with')).body.map((p: Json) => p.id)).toEqual([daisy.id]);
      expect((await get(carl, `/assets/${daisyPhotos[0]}`)).status).toBe(200);
      expect((await get(carl, `/assets/${daisyPhotos[2]}`)).status).toBe(400);
      expect((await send(carl, 'PUT', `/assets/${daisyPhotos[0]}`, { isFavorite: true })).status).toBe(400);
      expect((await send(carl, 'DELETE', '/assets', { ids: [daisyPhotos[0]] })).status).toBe(400);

      const partnerMonth = (body: Json[]) => body.find((b) => b.timeBucket === '2024-04-01');
      expect(partnerMonth((await get(carl, '/timeline/buckets?withPartners=true')).body)).toBeUndefined();
      expect((await send(carl, 'PUT', `/partners/${daisy.id}`, { inTimeline: true })).body.inTimeline).toBe(true);
      expect(partnerMonth((await get(carl, '/timeline/buckets?withPartners=true')).body)).toEqual({ timeBucket: '2024-04-01', count: 1 });
      expect((await get(carl, `/timeline/buckets?userId=${daisy.id}`)).body).toEqual([{ timeBucket: '2024-04-01', count: 1 }]);
      expect((await get(carl, '/timeline/buckets?withPartners=true&isFavorite=true')).status).toBe(400);
      expect((await send(daisy, 'PUT', `/partners/${carl.id}`, { inTimeline: true })).status).toBe(400);

      expect((await send(daisy, 'DELETE', `/partners/${carl.id}`)).status).toBe(204);
      expect((await send(daisy, 'DELETE', `/partners/${carl.id}`)).body).toEqual({ message: 'Partner not found' });
      expect((await get(carl, `/assets/${daisyPhotos[0]}`)).status).toBe(400);
      expect((await get(carl, `/timeline/buckets?userId=${daisy.id}`)).status).toBe(400);
      expect((await send(daisy, 'POST', `/partners/${daisy.id}`)).status).toBe(400);
      expect((await send(daisy, 'POST', '/partners', { sharedWithId: crypto.randomUUID() })).status).toBe(400);
    });
  });

  describe('memories', () => {
    it('gathers the same day of earlier years, one memory per year; hidden stays hidden', async () => {
      const erin = await api.createUser(admin, 'erin@example.com');
      const [y2019, y2020a, y2020b] = await insertSyntheticAssets(runtime.ports.db, erin.id, [
        { localDateTime: '2019-06-15T09:00:00' },
        { localDateTime: '2020-06-15T23:30:00', timeZone: '+02:00' },
        { localDateTime: '2020-06-15T08:00:00' },
        { localDateTime: '2024-06-15T08:00:00' }, // the day itself is not a memory
        { localDateTime: '2020-06-16T00:10:00' },
        { localDateTime: '2021-06-15T08:00:00', visibility: 'archive' },
      ]);
      const { body } = await get(erin, '/memories?for=2024-06-15');
      expect(body.map((m: Json) => [m.data.year, m.assets.map((a: Json) => a.id)])).toEqual([
        [2020, [y2020b, y2020a]],
        [2019, [y2019]],
      ]);
      expect(body[0]).toMatchObject({ type: 'on_this_day', memoryAt: '2024-06-15T00:00:00.000Z', isSaved: false });
      expect((await send(erin, 'PUT', `/memories/${body[0].id}`, { isSaved: true })).body.isSaved).toBe(true);
      expect((await send(erin, 'DELETE', `/memories/${body[1].id}`)).status).toBe(204);
      const again = (await get(erin, '/memories?for=2024-06-15')).body;
      expect(again.map((m: Json) => [m.data.year, m.isSaved])).toEqual([[2020, true]]);
      expect((await get(carl, `/memories/${body[0].id}`)).status).toBe(400);
      expect((await send(carl, 'DELETE', `/memories/${body[0].id}`)).status).toBe(400);
      expect((await get(erin, '/memories?for=June')).status).toBe(400);

      // The phone app gets them through sync: the saved one as it is, the removed one gone or ended.
      const session = (await api.call<Json>('POST', '/auth/login', { body: { email: 'erin@example.com', password: 'another good password' } })).body.accessToken;
      const lines = await api.syncLines(session, ['MemoriesV1', 'MemoryToAssetsV1']);
      for (const l of lines.filter((x) => x.type === 'MemoryV1')) expect(immichShapeProblems(l.data, 'SyncMemoryV1')).toEqual([]);
      const saved = lines.find((l) => l.type === 'MemoryV1' && l.data.id === body[0].id)!.data;
      expect(saved).toMatchObject({ isSaved: true, data: { year: 2020 }, memoryAt: '2024-06-15T00:00:00.000Z', showAt: '2024-06-15T00:00:00.000Z', hideAt: '2024-06-16T00:00:00.000Z' });
      expect(lines.filter((l) => l.type === 'MemoryToAssetV1' && l.data.memoryId === body[0].id).map((l) => l.data.assetId).sort()).toEqual([y2020a, y2020b].sort());
      const removed = lines.filter((l) => (l.type === 'MemoryV1' && l.data.id === body[1].id) || (l.type === 'MemoryDeleteV1' && l.data.memoryId === body[1].id));
      expect(removed.every((l) => l.type === 'MemoryDeleteV1' || new Date(l.data.hideAt).getTime() <= Date.now())).toBe(true);
    });
  });

  describe('map', () => {
    it('returns markers for geotagged assets with the timeline’s filters, and geocodes points', async () => {
      const fay = await api.createUser(admin, 'fay@example.com');
      const [lisbon, , archived] = await insertSyntheticAssets(runtime.ports.db, fay.id, [
        { localDateTime: '2022-01-01T00:00:00', latitude: 38.72, longitude: -9.14, city: 'Lisbon' },
        { localDateTime: '2022-01-02T00:00:00' },
        { localDateTime: '2022-01-03T00:00:00', latitude: 41.15, longitude: -8.61, city: 'Porto', visibility: 'archive' },
      ]);
      expect((await get(fay, '/map/markers')).body).toEqual([{ id: lisbon, lat: 38.72, lon: -9.14, city: 'Lisbon', state: null, country: 'Portugal' }]);
      // Newest first, as Immich lists them.
      expect((await get(fay, '/map/markers?isArchived=true')).body.map((m: Json) => m.id)).toEqual([archived, lisbon]);
      expect((await get(fay, '/map/reverse-geocode?lat=41.15&lon=-8.61')).body).toEqual([{ city: 'Porto', state: 'Porto', country: 'Portugal' }]);
      // An album's map: its geotagged photos, for its members and its link alone.
      const album = (await send(fay, 'POST', '/albums', { albumName: 'Map', assetIds: [lisbon] })).body.id;
      expect((await get(fay, `/albums/${album}/map-markers`)).body.map((m: Json) => m.id)).toEqual([lisbon]);
      expect((await get(admin, `/albums/${album}/map-markers`)).status).toBe(400);
      const albumLink = (await send(fay, 'POST', '/shared-links', { type: 'ALBUM', albumId: album })).body.key;
      expect((await api.call<Json[]>('GET', `/albums/${album}/map-markers?key=${albumLink}`)).body.map((m) => m.id)).toEqual([lisbon]);
      expect((await get(fay, '/albums/not-a-uuid/map-markers')).status).toBe(400);
      // Markers are remembered until the library changes: an edit shows at once.
      await send(fay, 'PUT', `/assets/${lisbon}`, { latitude: 41.15, longitude: -8.61 });
      expect((await get(fay, '/map/markers')).body).toEqual([{ id: lisbon, lat: 41.15, lon: -8.61, city: 'Porto', state: 'Porto', country: 'Portugal' }]);
      await send(fay, 'DELETE', '/assets', { ids: [lisbon] });
      expect((await get(fay, '/map/markers')).body).toEqual([]);
      expect((await get(fay, '/map/reverse-geocode?lat=100&lon=0')).body).toMatchObject({
        message: 'Validation failed',
        errors: [{ path: ['lat'], message: 'Too big: expected number to be <=90' }],
      });
    });
  });

  it('keeps the trigger-kept month counts equal to counting the rows, after all of the above', async () => {
    const live = await runtime.ports.db.query(
      `SELECT owner_id, date_trunc('month', local_date_time) AS month, visibility, is_favorite, deleted_at IS NOT NULL AS trashed, type, count(*)::int AS n
       FROM assets WHERE status <> 'uploading' GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
    );
    const kept = await runtime.ports.db.query(
      `SELECT owner_id, month, visibility, is_favorite, is_trashed AS trashed, type, count AS n
       FROM asset_month_counts WHERE count <> 0 AND owner_id IN (SELECT id FROM users) ORDER BY 1, 2, 3, 4, 5, 6`,
    );
    expect(live.rows.length).toBeGreaterThan(10);
    expect(kept.rows).toEqual(live.rows);
  });

  describe('admin', () => {
    it('edits users, soft-deletes and restores them, and removes their files after the grace period', async () => {
      const gus = await api.createUser(admin, 'gus@example.com');
      const id = await api.upload(gus, await readMedia('test-assets__wood_anemones.jpg'), 'anemones.jpg');
      expect((await send(admin, 'PUT', `/admin/users/${gus.id}`, { name: 'Gustav', quotaSizeInBytes: 10_000_000 })).body).toMatchObject({
        name: 'Gustav',
        quotaSizeInBytes: 10_000_000,
      });
      expect((await send(admin, 'PUT', `/admin/users/${gus.id}`, { email: 'bea@example.com' })).status).toBe(400);
      // The quota in use counts an upload once it is received, and one announced for a presigned PUT at once.
      const used = (await get(gus, '/users/me')).body.quotaUsageInBytes as number;
      expect(used).toBeGreaterThan(0);
      const announced = await send(gus, 'POST', '/uploads', { fileName: 'next.jpg', size: 12_345, checksum: 'a'.repeat(40) });
      expect(announced.status).toBe(201);
      expect((await get(gus, '/users/me')).body.quotaUsageInBytes).toBe(used + 12_345);
      // Over the quota: Immich's answer, before the bytes are even looked at.
      expect((await send(admin, 'PUT', `/admin/users/${gus.id}`, { quotaSizeInBytes: 10 })).status).toBe(200);
      const form = new FormData();
      for (const [k, v] of Object.entries({ deviceAssetId: 'q', deviceId: 'test', fileCreatedAt: '2024-01-01T00:00:00Z', fileModifiedAt: '2024-01-01T00:00:00Z' })) form.append(k, v);
      form.append('assetData', new Blob([new Uint8Array(2014).fill(7)]), 'example.jpg');
      const over = await fetch(`${runtime.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': gus.apiKey }, body: form });
      expect(over.status).toBe(400);
      expect(await over.json()).toEqual({ message: 'Quota has been exceeded!' });
      expect((await send(admin, 'PUT', `/admin/users/${gus.id}`, { quotaSizeInBytes: 10_000_000 })).status).toBe(200);
      expect((await send(bea, 'PUT', `/admin/users/${gus.id}`, { name: 'x' })).status).toBe(403);
      expect((await get(admin, `/admin/users/${gus.id}/statistics`)).body).toEqual({ images: 1, videos: 0, total: 1 });
      const stats = (await get(admin, '/server/statistics')).body;
      expect(stats.usageByUser.find((u: Json) => u.userId === gus.id)).toMatchObject({ photos: 1, usage: expect.any(Number) });

      expect((await send(admin, 'DELETE', `/admin/users/${gus.id}`, {})).body).toMatchObject({ status: 'deleted' });
      expect((await get(gus, '/users/me')).status).toBe(401);
      expect((await send(admin, 'POST', `/admin/users/${gus.id}/restore`)).body.status).toBe('active');
      expect((await get(gus, '/users/me')).status).toBe(200);

      // Forced: removed at once, files and all, as in Immich; nothing is left for the nightly job.
      await send(admin, 'DELETE', `/admin/users/${gus.id}`, { force: true });
      expect((await get(admin, `/admin/users/${gus.id}`)).status).toBe(400);
      expect(await DAILY_JOBS.users!(runtime.ports, new Date())).toBe(0);
      expect((await filesUnder(runtime.dataDir)).filter((f) => f.includes(id))).toEqual([]);
      expect((await send(admin, 'POST', `/admin/users/${gus.id}/restore`)).status).toBe(400);
    });

    it('keeps the last admin and refuses deleting yourself', async () => {
      expect((await send(admin, 'DELETE', `/admin/users/${admin.id}`, {})).status).toBe(400);
      expect((await send(admin, 'PUT', `/admin/users/${admin.id}`, { isAdmin: false })).status).toBe(400);
      expect((await send(admin, 'DELETE', `/admin/users/not-a-uuid`, {})).status).toBe(400);
    });
  });
});
