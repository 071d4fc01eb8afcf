import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeXmpSidecar } from '../core/media/xmp-sidecar.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
// @immich/cli 3.x needs Node 22; the dev dependency `node@22` provides it.
const node22 = path.join(root, 'node_modules/.bin/node');
const immichCli = path.join(root, 'node_modules/@immich/cli/dist/index.js');
const PHOTOS = ['exif-samples__Canon_40D.jpg', 'exif-samples__DSCN0010.jpg', 'exifr__noexif.jpg', 'test-assets__prairie_falcon.jpg', 'test-assets__silver_fir.jpg'];

describe('the official Immich CLI against Shoebox', () => {
  let runtime: TestRuntime;
  let admin: TestUser;
  let work: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    admin = await apiClient(runtime.url).signUpAdmin();
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-cli-'));
    await Promise.all(PHOTOS.map((name) => cp(path.join(root, 'test/fixtures/media', name), path.join(work, 'photos/trip', name))));
    // The CLI sends an .xmp beside a photo as sidecarData.
    await writeFile(
      path.join(work, 'photos/trip', 'test-assets__silver_fir.jpg.xmp'),
      writeXmpSidecar({ localDateTime: '2017-03-04T05:06:07', timeZone: '+01:00', latitude: 38.7223, longitude: -9.1393, description: 'Set in darktable', rating: 2, tags: [] }),
    );
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const immich = (...args: string[]) =>
    run(node22, [immichCli, ...args], { env: { ...process.env, IMMICH_CONFIG_DIR: path.join(work, 'config') }, timeout: 60_000 });

  it('logs in with an API key, uploads a folder, and sees every file as a duplicate the second time', async () => {
    const login = await immich('login', `${runtime.url}/api`, admin.apiKey);
    expect(login.stdout).toContain('Logged in as admin@example.com');

    const first = await immich('upload', '--recursive', '--no-progress', path.join(work, 'photos'));
    expect(first.stdout).toContain(`Found ${PHOTOS.length} new files and 0 duplicates`);
    expect(first.stdout).toContain(`Successfully uploaded ${PHOTOS.length} new assets`);

    const api = apiClient(runtime.url);
    const ready = await waitFor(async () => {
      const { body } = await api.call<{ assets: { items: Array<{ status: string; originalFileName: string; localDateTime: string; exifInfo: object }> } }>('POST', '/search/metadata', {
        key: admin.apiKey,
        body: { size: 100, withExif: true },
      });
      const items = body.assets.items;
      return items.length === PHOTOS.length && items.every((a) => a.status === 'ready') ? items : undefined;
    }, 'the CLI uploads to be processed');
    expect(ready.map((a) => a.originalFileName).sort()).toEqual([...PHOTOS].sort());
    const fir = ready.find((a) => a.originalFileName === 'test-assets__silver_fir.jpg')!;
    expect(fir).toMatchObject({ localDateTime: '2017-03-04T05:06:07.000Z' });
    expect(fir.exifInfo).toMatchObject({ description: 'Set in darktable', rating: 2, city: 'Lisbon' });

    const second = await immich('upload', '--recursive', '--no-progress', path.join(work, 'photos'));
    expect(second.stdout).toContain(`Found 0 new files and ${PHOTOS.length} duplicates`);
    expect(second.stdout).toContain('All assets were already uploaded, nothing to do.');
  });
});
