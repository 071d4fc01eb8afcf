import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXmpSidecar } from '../core/media/xmp-sidecar.js';
import { DAILY_JOBS } from '../functions/scheduled/daily-jobs.js';
import { mediaPath, readMedia } from './media-samples.js';
import { apiClient, filesUnder, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** Every file under a folder with its bytes' hash and modification time: to prove nothing was touched. */
async function fingerprint(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of (await filesUnder(dir)).sort()) {
    result[path.relative(dir, file)] = `${sha1(await readFile(file))} ${(await stat(file)).mtimeMs}`;
  }
  return result;
}

describe('external libraries: files indexed in place, never written', () => {
  let runtime: TestRuntime;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let bea: TestUser;
  let carl: TestUser;
  let folder: string;
  let library: string;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_SWEEP_INTERVAL: '3600' });
    api = apiClient(runtime.url);
    admin = await api.signUpAdmin();
    bea = await api.createUser(admin, 'bea@example.com');
    carl = await api.createUser(admin, 'carl@example.com');
    folder = await mkdtemp(path.join(os.tmpdir(), 'shoebox-library-'));
    await mkdir(path.join(folder, '2019'));
    await mkdir(path.join(folder, '@eaDir'));
    await copyFile(mediaPath('test-assets__silver_fir.jpg'), path.join(folder, '2019', 'fir.jpg'));
    await writeFile(
      path.join(folder, '2019', 'fir.jpg.xmp'),
      writeXmpSidecar({ localDateTime: '2019-07-04T09:00:00', timeZone: '-04:00', latitude: 38.7223, longitude: -9.1393, description: 'Tall & proud', rating: 5, tags: ['conifer', 'winter'] }),
    );
    await copyFile(mediaPath('test-assets__wood_anemones.jpg'), path.join(folder, 'anemones.jpg'));
    await copyFile(mediaPath('exif-samples__corrupted.jpg'), path.join(folder, 'broken.jpg'));
    await copyFile(mediaPath('test-assets__prairie_falcon.jpg'), path.join(folder, '@eaDir', 'thumb.jpg'));
    await writeFile(path.join(folder, 'notes.txt'), 'not a photo');
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const get = (user: TestUser, p: string) => api.call<any>('GET', p, { key: user.apiKey });
  const send = (user: TestUser, method: string, p: string, body?: unknown) => api.call<any>(method, p, { key: user.apiKey, body });
  const beaAssets = async (): Promise<Json[]> =>
    (await send(bea, 'POST', '/search/metadata', { withExif: true, withDeleted: true, size: 100 })).body.assets.items;
  const byName = async (name: string) => (await beaAssets()).find((a) => a.originalFileName === name)!;
  /** Scans, then waits until the pipeline has finished with every file. */
  async function scan(expected: (assets: Json[]) => boolean) {
    expect((await send(admin, 'POST', `/libraries/${library}/scan`)).status).toBe(204);
    return waitFor(async () => {
      const assets = await beaAssets();
      return expected(assets) && assets.every((a) => a.status === 'ready' || a.status === 'failed') ? assets : undefined;
    }, 'the library scan and its pipeline');
  }

  it('refuses its own storage and non-admins; reports folders it cannot read, as Immich does, on validate', async () => {
    const create = (importPaths: string[], user = admin) => send(user, 'POST', '/libraries', { ownerId: bea.id, importPaths });
    expect((await create([runtime.dataDir])).status).toBe(400);
    expect((await create([path.join(runtime.dataDir, 'store')])).status).toBe(400);
    expect((await create([folder, folder])).body.errors).toEqual([expect.objectContaining({ path: ['importPaths'], message: 'Array must have unique items' })]);
    expect((await create([folder, ' '])).body.errors).toEqual([expect.objectContaining({ path: ['importPaths'], message: 'Array items must not be empty' })]);
    // A folder not there now (a drive not plugged in) is accepted; validate says what is wrong.
    const later = await create(['relative/photos', path.join(folder, 'nope'), path.join(folder, 'notes.txt')]);
    expect(later.status).toBe(201);
    const report = await send(admin, 'POST', `/libraries/${later.body.id}/validate`, { importPaths: [...later.body.importPaths, folder] });
    expect(report.body.importPaths).toEqual([
      { importPath: 'relative/photos', isValid: false, message: `Import path must be absolute, try ${path.resolve('relative/photos')}` },
      { importPath: path.join(folder, 'nope'), isValid: false, message: 'Path does not exist (ENOENT)' },
      { importPath: path.join(folder, 'notes.txt'), isValid: false, message: 'Not a directory' },
      { importPath: folder, isValid: true },
    ]);
    // Scanning it finds nothing and reads nothing (a relative path is not the server's folder).
    await send(admin, 'POST', `/libraries/${later.body.id}/scan`);
    await waitFor(async () => ((await get(admin, `/libraries/${later.body.id}`)).body.refreshedAt ? true : undefined), 'the scan of unusable paths');
    expect((await get(admin, `/libraries/${later.body.id}/statistics`)).body.total).toBe(0);
    expect((await send(admin, 'DELETE', `/libraries/${later.body.id}`)).status).toBe(204);
    expect((await create([folder], bea)).status).toBe(403);
    expect((await send(admin, 'POST', '/libraries', { ownerId: crypto.randomUUID(), importPaths: [folder] })).status).toBe(400);
  });

  it('indexes supported files, skips excluded folders, reads sidecars, and marks what cannot be read', async () => {
    const before = await fingerprint(folder);
    const created = await send(admin, 'POST', '/libraries', { ownerId: bea.id, name: 'NAS', importPaths: [folder] });
    expect(created.status).toBe(201);
    library = created.body.id;
    const assets = await scan((a) => a.length === 3);
    expect(assets.map((a) => a.originalFileName).sort()).toEqual(['anemones.jpg', 'broken.jpg', 'fir.jpg']);
    const fir = assets.find((a) => a.originalFileName === 'fir.jpg')!;
    expect(fir).toMatchObject({ status: 'ready', libraryId: library, localDateTime: '2019-07-04T09:00:00.000Z', fileCreatedAt: '2019-07-04T13:00:00.000Z' });
    expect(fir.exifInfo).toMatchObject({ description: 'Tall & proud', rating: 5, city: 'Lisbon' });
    // Tags come with one asset (as in Immich), not in lists.
    expect((await send(bea, 'GET', `/assets/${fir.id}`)).body.tags.map((t: Json) => t.value)).toEqual(['conifer', 'winter']);
    expect(fir.checksum).toBe(Buffer.from(sha1(await readFile(path.join(folder, '2019', 'fir.jpg'))), 'hex').toString('base64'));
    const broken = assets.find((a) => a.originalFileName === 'broken.jpg')!;
    expect(broken.status).toBe('failed');
    expect(broken.failedReason).toBeTruthy();
    expect((await get(admin, `/libraries/${library}/statistics`)).body).toMatchObject({ photos: 3, total: 3, offline: 0 });
    // Thumbnails were made; the library folder is exactly as it was.
    expect((await api.media(`/assets/${fir.id}/thumbnail`, bea.apiKey)).status).toBe(200);
    expect(await fingerprint(folder)).toEqual(before);
  });

  it('serves the original from where it lies, to its owner only', async () => {
    const fir = await byName('fir.jpg');
    const response = await fetch(`${runtime.url}/api/assets/${fir.id}/original`, { headers: { 'x-api-key': bea.apiKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('fir.jpg');
    expect(sha1(Buffer.from(await response.arrayBuffer()))).toBe(sha1(await readFile(path.join(folder, '2019', 'fir.jpg'))));
    expect((await get(carl, `/assets/${fir.id}`)).status).toBe(400);
    expect((await get(carl, `/assets/${fir.id}/original`)).status).toBe(400);
  });

  it('shows the library as its folders on disk, and uploads by month, in Immich’s folder view', async () => {
    const upload = await api.upload(bea, await readMedia('exif-samples__DSCN0010.jpg'), 'DSCN0010.jpg');
    const folders: string[] = (await get(bea, '/view/folder/unique-paths')).body;
    expect(folders).toEqual([folder, path.join(folder, '2019'), 'Uploads/2008/10'].sort());
    const inFolder = async (p: string, user = bea) => ((await get(user, `/view/folder?path=${encodeURIComponent(p)}`)).body as Json[]).map((a) => a.originalFileName);
    // Only the files right in a folder, by name; a trailing slash means the same folder.
    expect(await inFolder(folder)).toEqual(['anemones.jpg', 'broken.jpg']);
    expect(await inFolder(`${path.join(folder, '2019')}/`)).toEqual(['fir.jpg']);
    expect(await inFolder('Uploads/2008/10')).toEqual(['DSCN0010.jpg']);
    expect(await inFolder(path.join(folder, '20'))).toEqual([]);
    // Someone else's folders are not yours to list.
    expect((await get(carl, '/view/folder/unique-paths')).body).toEqual([]);
    expect(await inFolder(folder, carl)).toEqual([]);
    expect((await get(bea, '/view/folder')).status).toBe(400);
    await send(bea, 'DELETE', '/assets', { ids: [upload], force: true });
    expect((await get(bea, '/view/folder/unique-paths')).body).not.toContain('Uploads/2008/10');
  });

  it('finds changed, removed, returned and new files on a rescan', async () => {
    const anemones = await byName('anemones.jpg');
    const fir = await byName('fir.jpg');
    // Changed: other bytes under the same name (and a newer time).
    await copyFile(mediaPath('exif-samples__DSCN0010.jpg'), path.join(folder, 'anemones.jpg'));
    await utimes(path.join(folder, 'anemones.jpg'), new Date(), new Date(Date.now() + 5000));
    // Removed: moved out of the library.
    const away = path.join(os.tmpdir(), `fir-away-${process.pid}.jpg`);
    await rename(path.join(folder, '2019', 'fir.jpg'), away);
    // New.
    await copyFile(mediaPath('test-assets__prairie_falcon.jpg'), path.join(folder, '2019', 'falcon.jpg'));

    let assets = await scan((a) => a.length === 4 && a.find((x) => x.originalFileName === 'anemones.jpg')?.exifInfo?.make === 'NIKON');
    const changed = assets.find((a) => a.id === anemones.id)!;
    expect(changed.checksum).not.toBe(anemones.checksum);
    expect(changed.exifInfo.make).toBe('NIKON');
    // Offline: in the trash (off the timeline), where emptying or restoring the trash leaves it.
    expect(assets.find((a) => a.id === fir.id)).toMatchObject({ isOffline: true, isTrashed: true });
    expect((await get(bea, `/assets/${fir.id}/original`)).status).toBe(404);
    expect((await get(admin, `/libraries/${library}/statistics`)).body.offline).toBe(1);
    expect((await send(bea, 'POST', '/trash/restore', {})).body.count).toBe(0);
    expect((await send(bea, 'POST', '/trash/empty', {})).body.count).toBe(0);
    const onTimeline = (await send(bea, 'POST', '/search/metadata', { size: 100 })).body.assets.items as Json[];
    expect(onTimeline.map((a) => a.id)).not.toContain(fir.id);

    await rename(away, path.join(folder, '2019', 'fir.jpg'));
    assets = await scan((a) => a.find((x) => x.id === fir.id)?.isOffline === false);
    expect(assets.find((a) => a.id === fir.id)).toMatchObject({ isOffline: false, isTrashed: false, checksum: fir.checksum });
  });

  it('rescans every library from the daily job', async () => {
    expect(await DAILY_JOBS.libraries!(runtime.ports, new Date())).toBe(1);
  });

  it('forgets a deleted library: its assets and derived files go, the files stay', async () => {
    const before = await fingerprint(folder);
    const ids = (await beaAssets()).map((a) => a.id);
    expect((await send(bea, 'DELETE', `/libraries/${library}`)).status).toBe(403);
    expect((await send(admin, 'DELETE', `/libraries/${library}`)).status).toBe(204);
    expect(await beaAssets()).toEqual([]);
    const derived = (await filesUnder(runtime.dataDir)).filter((f) => ids.some((id) => f.includes(id)));
    expect(derived).toEqual([]);
    expect(await fingerprint(folder)).toEqual(before);
    expect((await get(admin, `/libraries/${library}`)).status).toBe(400);
  });
});
