import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXmpSidecar } from '../core/media/xmp-sidecar.js';
import { mediaPath, readMedia, uniqueJpeg } from '../test/media-samples.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from '../test/test-runtime.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, 'shoebox.mjs');
const PHOTOS = ['exif-samples__Canon_40D.jpg', 'exif-samples__DSCN0010.jpg', 'exifr__noexif.jpg', 'test-assets__prairie_falcon.jpg'];

describe('shoebox upload', () => {
  let runtime: TestRuntime;
  let user: TestUser;
  let work: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(5 * 1024 * 1024) });
    user = await apiClient(runtime.url).signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-cli-'));
    env = { ...process.env, SHOEBOX_CONFIG_DIR: path.join(work, 'config'), SHOEBOX_SERVER: '', SHOEBOX_API_KEY: '' };
    await mkdir(path.join(work, 'photos/2019/summer'), { recursive: true });
    for (const [i, name] of PHOTOS.entries()) await cp(mediaPath(name), path.join(work, 'photos', i % 2 ? '2019/summer' : '', name));
    await writeFile(path.join(work, 'photos/notes.txt'), 'not media');
    await mkdir(path.join(work, 'photos/.thumbnails'));
    await cp(mediaPath('test-assets__silver_fir.jpg'), path.join(work, 'photos/.thumbnails/hidden.jpg'));
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const shoebox = (...args: string[]) => run(process.execPath, [bin, ...args], { env, timeout: 120_000 });

  it('logs in, uploads a folder, and sends zero bytes when run again', async () => {
    const login = await shoebox('login', `${runtime.url}/api`, '--key', user.apiKey);
    expect(login.stdout).toContain('Logged in to');
    expect(JSON.parse(await readFile(path.join(work, 'config/auth.json'), 'utf8'))).toMatchObject({ server: runtime.url });

    const dry = await shoebox('upload', path.join(work, 'photos'), '--dry-run', '--no-progress');
    expect(dry.stdout).toContain(`${PHOTOS.length} would be uploaded`);

    const first = await shoebox('upload', path.join(work, 'photos'), '--no-progress');
    expect(first.stdout).toContain(`${PHOTOS.length} media files found`);
    expect(first.stdout).toMatch(new RegExp(`${PHOTOS.length} uploaded \\(\\d`));
    expect(first.stdout).toContain('0 failed');

    const api = apiClient(runtime.url);
    const items = await waitFor(async () => {
      const { body } = await api.call<{ assets: { items: Array<{ status: string; originalFileName: string }> } }>('POST', '/search/metadata', {
        key: user.apiKey,
        body: {},
      });
      return body.assets.items.length === PHOTOS.length && body.assets.items.every((a) => a.status === 'ready') ? body.assets.items : undefined;
    }, 'the uploads to be processed');
    expect(items.map((a) => a.originalFileName).sort()).toEqual([...PHOTOS].sort());

    const second = await shoebox('upload', path.join(work, 'photos'), '--no-progress');
    expect(second.stdout).toContain('0 uploaded (0 B sent)');
    expect(second.stdout).toContain(`${PHOTOS.length} uploaded before (skipped without hashing)`);

    // Without the journal (another machine), the server's checksums still spare the bytes.
    const elsewhere = await run(process.execPath, [bin, 'upload', path.join(work, 'photos'), '--no-progress'], {
      env: { ...env, SHOEBOX_CONFIG_DIR: path.join(work, 'other-config'), SHOEBOX_SERVER: runtime.url, SHOEBOX_API_KEY: user.apiKey },
    });
    expect(elsewhere.stdout).toContain('0 uploaded (0 B sent)');
    expect(elsewhere.stdout).toContain(`${PHOTOS.length} already on the server (duplicates)`);
  });

  it('resumes a big upload after being killed, sending only the parts that were missing', async () => {
    const big = path.join(work, 'big');
    await mkdir(big);
    const bytes = await sharp(mediaPath('exifr__canon-dslr.jpg')).png({ compressionLevel: 0 }).toBuffer();
    expect(bytes.length).toBeGreaterThan(30 * 1024 * 1024);
    await writeFile(path.join(big, 'huge.png'), bytes);

    const child = spawn(process.execPath, [bin, 'upload', big, '--no-progress', '--concurrency', '1'], { env, stdio: 'ignore' });
    const journal = path.join(work, 'config');
    await waitFor(async () => {
      const files = await import('node:fs/promises').then((fs) => fs.readdir(journal));
      const text = (await Promise.all(files.filter((f) => f.startsWith('journal-')).map((f) => readFile(path.join(journal, f), 'utf8')))).join('');
      return text.includes('"type":"part"') ? true : undefined;
    }, 'a first part to be sent', 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const resumed = await shoebox('upload', big, '--no-progress');
    expect(resumed.stdout).toContain('1 uploaded');
    expect(resumed.stdout).toMatch(/[1-9]\d* parts resumed from an interrupted upload/);
    const sent = Number(/uploaded \(([\d.]+) MB sent\)/.exec(resumed.stdout)?.[1]);
    expect(sent * 1e6).toBeLessThan(bytes.length);

    const api = apiClient(runtime.url);
    const asset = await waitFor(async () => {
      const { body } = await api.call<{ assets: { items: Array<{ id: string; status: string }> } }>('POST', '/search/metadata', {
        key: user.apiKey,
        body: { originalFileName: 'huge.png' },
      });
      const item = body.assets.items[0];
      return item && item.status !== 'uploading' && item.status !== 'processing' ? item : undefined;
    }, 'the resumed upload to be processed', 60_000);
    expect(asset.status).toBe('ready');
    const stored = (await api.media(`/assets/${asset.id}/original`, user.apiKey)).bytes;
    expect(stored.equals(bytes)).toBe(true);
  });

  it('fills albums by name or by folder, and applies .xmp sidecars uploaded with their files', async () => {
    const trip = path.join(work, 'albums/Summer in Lisbon');
    await mkdir(trip, { recursive: true });
    await writeFile(path.join(trip, 'fir.jpg'), uniqueJpeg(await readMedia('test-assets__silver_fir.jpg'), 'album-fir'));
    await writeFile(path.join(trip, 'anemones.jpg'), uniqueJpeg(await readMedia('test-assets__wood_anemones.jpg'), 'album-anemones'));
    await writeFile(
      path.join(trip, 'fir.jpg.xmp'),
      writeXmpSidecar({ localDateTime: '2018-08-08T18:08:08', timeZone: '+01:00', latitude: 38.7223, longitude: -9.1393, description: 'From the xmp', rating: 3, tags: [] }),
    );
    const byFolder = await shoebox('upload', path.join(work, 'albums'), '--album-from-folder', '--no-progress');
    expect(byFolder.stdout).toContain('1 .xmp sidecars applied');
    expect(byFolder.stdout).toContain('1 albums filled');
    // Files uploaded before (the first test's) join a named album without being sent again.
    const named = await shoebox('upload', path.join(work, 'photos'), '--album', 'Everything', '--no-progress');
    expect(named.stdout).toContain('0 uploaded (0 B sent)');

    const api = apiClient(runtime.url);
    const albums = (await api.call<Array<{ albumName: string; assetCount: number }>>('GET', '/albums', { key: user.apiKey })).body;
    expect(albums.map((a) => [a.albumName, a.assetCount]).sort()).toEqual([
      ['Everything', PHOTOS.length],
      ['Summer in Lisbon', 2],
    ]);
    const fir = await waitFor(async () => {
      const { body } = await api.call<{ assets: { items: Array<Record<string, any>> } }>('POST', '/search/metadata', {
        key: user.apiKey,
        body: { originalFileName: 'fir.jpg', withExif: true },
      });
      return body.assets.items[0]?.status === 'ready' ? body.assets.items[0] : undefined;
    }, 'fir.jpg to be processed');
    expect(fir.localDateTime).toBe('2018-08-08T18:08:08.000Z');
    expect(fir.exifInfo).toMatchObject({ description: 'From the xmp', rating: 3, city: 'Lisbon' });
    await expect(run(process.execPath, [bin, 'upload', trip, '--album', 'x', '--album-from-folder'], { env })).rejects.toMatchObject({ code: 2 });
  });

  it('shows an admin the queues and external libraries, and rescans one', async () => {
    // The uploads above may still be in the metadata queue on a busy machine: let it drain first.
    await waitFor(async () => ((await runtime.ports.queue.stats('metadata')).waiting === 0 ? true : undefined), 'the metadata queue to drain', 60_000);
    const jobs = await shoebox('jobs');
    expect(jobs.stdout).toMatch(/metadata\s+0 waiting, \d+ active, 0 dead/);
    expect(jobs.stdout).toContain('transcode');
    expect((await shoebox('jobs', '--redrive', 'thumbnail')).stdout).toContain('0 dead letters of thumbnail sent back');
    const folder = path.join(work, 'albums');
    const api = apiClient(runtime.url);
    const library = await api.call<{ id: string }>('POST', '/libraries', { key: user.apiKey, body: { ownerId: user.id, name: 'Old disk', importPaths: [folder] } });
    expect((await shoebox('libraries')).stdout).toContain(`${library.body.id}  Old disk  0 assets  ${folder}`);
    expect((await shoebox('libraries', '--scan', library.body.id)).stdout).toContain('queued');
    await expect(shoebox('libraries', '--scan', 'nope')).rejects.toMatchObject({ code: 1 });
  });

  it('fails clearly, with exit code 2 for usage and 1 for errors', async () => {
    await expect(run(process.execPath, [bin, 'upload'], { env })).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [bin, 'login', runtime.url, '--key', 'wrong'], { env })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/401/),
    });
    await expect(run(process.execPath, [bin, 'upload', path.join(work, 'does-not-exist')], { env })).rejects.toMatchObject({ code: 1 });
  });
});
