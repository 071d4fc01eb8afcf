import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { readMedia, uniqueJpeg } from '../../test/media-samples.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from '../../test/test-runtime.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../shoebox.mjs');
const GP = 'Takeout/Google Photos';
type Json = Record<string, any>;
type Files = Array<[name: string, bytes: Buffer]>;

const at = (iso: string) => ({ timestamp: String(Date.parse(iso) / 1000), formatted: iso });
const sidecar = (title: string, extra: Json) => Buffer.from(JSON.stringify({ title, photoTakenTime: at('2019-01-01T00:00:00Z'), ...extra }));

async function writeZip(file: string, files: Files): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of files) zip.addBuffer(bytes, name, { mtime: new Date('2024-05-01T12:00:00Z') });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

async function writeTgz(file: string, files: Files): Promise<void> {
  const pack = tar.pack();
  for (const [name, bytes] of files) pack.entry({ name, mtime: new Date('2024-05-01T12:00:00Z') }, bytes);
  pack.finalize();
  await pipeline(pack, createGzip(), createWriteStream(file));
}

/** A JPEG padded with comment segments to `bytes`: big enough to be sent in parts, still a real picture. */
function paddedJpeg(jpeg: Buffer, bytes: number): Buffer {
  const segments: Buffer[] = [];
  for (let size = jpeg.length; size < bytes; size += 65_535 + 2) {
    segments.push(Buffer.from([0xff, 0xfe, 0xff, 0xff]), Buffer.alloc(65_533, segments.length % 251));
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

describe('shoebox takeout', () => {
  let runtime: TestRuntime;
  let admin: TestUser;
  let api: ReturnType<typeof apiClient>;
  let work: string;
  let archives: string[];
  const longName = 'PXL_20200101_101010123_a_rather_long_file_name_from_the_camera_app.jpg';

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(5 * 1024 * 1024) });
    api = apiClient(runtime.url);
    admin = await api.signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-takeout-'));
    const fir = await readMedia('test-assets__silver_fir.jpg');
    const anemones = await readMedia('test-assets__wood_anemones.jpg');
    const beach = uniqueJpeg(fir, 'beach');
    archives = [path.join(work, 'takeout-20240501T120000Z-001.zip'), path.join(work, 'takeout-20240501T120000Z-002.zip'), path.join(work, 'takeout-20240501T120000Z-003.tgz')];
    await writeZip(archives[0]!, [
      [`${GP}/Photos from 2019/IMG_0001.jpg`, beach],
      [`${GP}/Photos from 2019/IMG_0001.jpg.json`, sidecar('IMG_0001.jpg', { photoTakenTime: at('2019-06-01T10:00:00Z'), geoData: { latitude: 38.7223, longitude: -9.1393, altitude: 0 }, description: 'Beach day', favorited: true })],
      // Its sidecar went into the second archive.
      [`${GP}/Photos from 2019/IMG_0002.jpg`, uniqueJpeg(anemones, 'two')],
      [`${GP}/Trip to Lisbon/metadata.json`, Buffer.from(JSON.stringify({ title: 'Trip to Lisbon', description: '' }))],
      [`${GP}/Trip to Lisbon/IMG_0001.jpg`, beach],
      [`${GP}/Trip to Lisbon/IMG_0001.jpg.json`, sidecar('IMG_0001.jpg', { photoTakenTime: at('2019-06-01T10:00:00Z') })],
      [`${GP}/Trip to Lisbon/IMG_0005.jpg`, uniqueJpeg(fir, 'five')],
      [`${GP}/Trip to Lisbon/IMG_0005.jpg.supplemental-metadata.json`, sidecar('IMG_0005.jpg', { photoTakenTime: at('2019-06-02T08:00:00Z') })],
      [`${GP}/Photos from 2019/PANO_big.jpg`, paddedJpeg(uniqueJpeg(anemones, 'big'), 24 * 1024 * 1024)],
      [`${GP}/Photos from 2019/PANO_big.jpg.json`, sidecar('PANO_big.jpg', { photoTakenTime: at('2019-08-08T08:00:00Z') })],
    ]);
    await writeZip(archives[1]!, [
      [`${GP}/Photos from 2019/IMG_0002.jpg.json`, sidecar('IMG_0002.jpg', { photoTakenTime: at('2019-07-01T07:00:00Z'), archived: true })],
      [`${GP}/Photos from 2020/${longName}`, uniqueJpeg(anemones, 'long')],
      [`${GP}/Photos from 2020/${`${longName}.supplemental-metadata`.slice(0, 46)}.json`, sidecar(longName, { photoTakenTime: at('2020-01-01T10:10:10Z') })],
      [`${GP}/Photos from 2020/IMG_0003(1).jpg`, uniqueJpeg(fir, 'three-copy')],
      [`${GP}/Photos from 2020/IMG_0003.jpg(1).json`, sidecar('IMG_0003.jpg', { photoTakenTime: at('2020-03-03T03:03:03Z') })],
      [`${GP}/Photos from 2020/IMG_0004.jpg`, uniqueJpeg(fir, 'four')],
      [`${GP}/Photos from 2020/IMG_0004-edited.jpg`, uniqueJpeg(fir, 'four-edited')],
      [`${GP}/Photos from 2020/IMG_0004.jpg.json`, sidecar('IMG_0004.jpg', { photoTakenTime: at('2020-04-04T04:04:04Z'), description: 'Edited one' })],
    ]);
    await writeTgz(archives[2]!, [
      [`${GP}/Photos from 2021/IMG_0006.jpg`, uniqueJpeg(fir, 'trashed')],
      [`${GP}/Photos from 2021/IMG_0006.jpg.json`, sidecar('IMG_0006.jpg', { trashed: true })],
      [`${GP}/Photos from 2021/IMG_0007.jpg`, uniqueJpeg(anemones, 'live')],
      [`${GP}/Photos from 2021/IMG_0007.MP4`, await readMedia('photoprism__isom-avc1.mp4')],
      [`${GP}/Photos from 2021/IMG_0007.jpg.json`, sidecar('IMG_0007.jpg', { photoTakenTime: at('2021-07-07T07:07:07Z') })],
      [`${GP}/Photos from 2021/lost.jpg.json`, sidecar('lost.jpg', {})],
      [`${GP}/Photos from 2021/noexif.jpg`, await readMedia('exifr__noexif.jpg')],
    ]);
  }, 60_000);
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const envFor = (user: TestUser, config: string) => ({ ...process.env, SHOEBOX_SERVER: runtime.url, SHOEBOX_API_KEY: user.apiKey, SHOEBOX_CONFIG_DIR: path.join(work, config) });
  const takeout = (user: TestUser, config: string, ...args: string[]) =>
    run(process.execPath, [bin, 'takeout', ...args, '--no-progress'], { env: envFor(user, config), timeout: 180_000 }).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`takeout failed:\n${error.stdout}\n${error.stderr}`);
    });
  const assetsOf = async (user: TestUser): Promise<Json[]> =>
    (await api.call<any>('POST', '/search/metadata', { key: user.apiKey, body: { withExif: true, size: 100, withDeleted: true } })).body.assets.items;
  const settled = (user: TestUser, count: number) =>
    waitFor(async () => {
      const assets = await assetsOf(user);
      return assets.length === count && assets.every((a) => a.status === 'ready' || a.status === 'failed') ? assets : undefined;
    }, 'the imported files to be processed', 60_000);

  it('imports several archives: dates, places, descriptions, favourites, archive, albums, live photos; reports the rest', async () => {
    const dry = await takeout(admin, 'config', ...archives, '--dry-run');
    expect(dry.stdout).toContain('12 media files in the export (1 in Google\'s trash, skipped)');

    const { stdout } = await takeout(admin, 'config', ...archives);
    expect(stdout).toContain('11 uploaded');
    expect(stdout).toContain('1 duplicates');
    expect(stdout).toContain('1 albums, 1 live photos linked');
    expect(stdout).toContain('1 media files without a sidecar');
    expect(stdout).toContain('noexif.jpg');
    expect(stdout).toContain('1 sidecars without a media file');
    expect(stdout).toContain('lost.jpg.json');
    expect(stdout).toContain('0 failed');

    const assets = await settled(admin, 11);
    const named = (name: string) => assets.find((a) => a.originalFileName === name)!;
    expect(named('IMG_0001.jpg')).toMatchObject({ localDateTime: '2019-06-01T10:00:00.000Z', isFavorite: true, isArchived: false });
    expect(named('IMG_0001.jpg').exifInfo).toMatchObject({ description: 'Beach day', city: 'Lisbon', latitude: 38.7223, longitude: -9.1393 });
    expect(named('IMG_0002.jpg')).toMatchObject({ localDateTime: '2019-07-01T07:00:00.000Z', isArchived: true });
    expect(named(longName).localDateTime).toBe('2020-01-01T10:10:10.000Z');
    expect(named('IMG_0003(1).jpg').localDateTime).toBe('2020-03-03T03:03:03.000Z');
    expect(named('IMG_0004-edited.jpg').exifInfo.description).toBe('Edited one');
    expect(named('IMG_0007.jpg').livePhotoVideoId).toBe(named('IMG_0007.MP4').id);
    expect(named('IMG_0007.MP4').visibility).toBe('hidden');
    expect(assets.some((a) => a.originalFileName === 'IMG_0006.jpg')).toBe(false);

    const albums = (await api.call<any>('GET', '/albums', { key: admin.apiKey })).body;
    expect(albums.map((a: Json) => [a.albumName, a.assetCount])).toEqual([['Trip to Lisbon', 2]]);
    const inAlbum = new Set(await api.albumAssetIds(admin, albums[0].id));
    expect(assets.filter((a) => inAlbum.has(a.id)).map((a) => a.originalFileName).sort()).toEqual(['IMG_0001.jpg', 'IMG_0005.jpg']);
  });

  it('sends nothing and changes nothing when run again', async () => {
    const { stdout } = await takeout(admin, 'config', ...archives);
    expect(stdout).toContain('0 uploaded (0 B sent)');
    expect(stdout).toContain('12 imported before (skipped)');
    expect(await assetsOf(admin)).toHaveLength(11);
    const albums = (await api.call<any>('GET', '/albums', { key: admin.apiKey })).body;
    expect(albums.map((a: Json) => [a.albumName, a.assetCount])).toEqual([['Trip to Lisbon', 2]]);
  });

  it('resumes after being killed in the middle of a big file, without duplicates', async () => {
    const bea = await api.createUser(admin, 'bea@example.com');
    const journalDir = path.join(work, 'config-bea');
    const child = spawn(process.execPath, [bin, 'takeout', ...archives, '--no-progress', '--concurrency', '1'], { env: envFor(bea, 'config-bea'), stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Killed once two parts of the big file are sent (it has five).
    await waitFor(async () => {
      const file = (await readdir(journalDir).catch(() => [])).find((f) => f.startsWith('journal-'));
      const journal = file ? await readFile(path.join(journalDir, file), 'utf8') : '';
      return journal.split('\n').filter((line) => line.includes('"type":"part"')).length >= 2 ? true : undefined;
    }, 'two parts of the big file to be sent', 60_000);
    child.kill('SIGKILL');
    await exited;
    expect(output).not.toContain('failed');

    const { stdout } = await takeout(bea, 'config-bea', ...archives);
    expect(stdout).toContain('0 failed');
    expect(stdout).toMatch(/[1-9]\d* imported before \(skipped\)/);
    const assets = await settled(bea, 11);
    expect(new Set(assets.map((a) => a.checksum)).size).toBe(11);
    expect(assets.find((a) => a.originalFileName === 'PANO_big.jpg')!.status).toBe('ready');
  });
});
