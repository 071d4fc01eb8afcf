import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipStream } from '../core/downloads/zip-stream.js';
import { mediaPath } from './media-samples.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;
const run = promisify(execFile);

/** immich-go is not on the package registries: a binary built from its source, named here or on the PATH. */
const binary = process.env.SHOEBOX_IMMICH_GO ?? ['/usr/local/bin/immich-go', '/usr/bin/immich-go'].find((p) => existsSync(p));
const missing = binary && existsSync(binary) ? undefined : 'no immich-go binary (build it from github.com/simulot/immich-go and set SHOEBOX_IMMICH_GO)';

/** A Takeout archive, written by Shoebox's own zip writer (which immich-go then has to read). */
async function takeoutZip(files: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sources = files.map(({ name, data }) => ({ name, size: data.length, modified: new Date('2024-01-01T00:00:00Z'), open: async () => Readable.from([data]) }));
  for await (const chunk of zipStream(sources)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const jpeg = (r: number, g: number, b: number) => sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g, b } } }).jpeg().toBuffer();

/**
 * immich-go, the tool most Immich users import with, against Shoebox at another origin:
 * `upload from-folder` with RAW+JPEG and burst stacking, a tag and a session tag, and
 * `upload from-google-photos` with a Takeout's people, album and places. It exits 0 only when
 * every call it made succeeded, and what it reports must be on the server.
 */
describe.skipIf(missing)(`immich-go${missing ? ` — skipped: ${missing}` : ''}`, () => {
  let h: Household;
  let work: string;
  let server: string;
  const get = <T = Json>(route: string) => h.api.call<T>('GET', route, { key: h.ada.apiKey }).then((r) => r.body);
  const immichGo = (args: string[]) =>
    run(binary!, ['upload', ...args, '--server', server, '--api-key', h.ada.apiKey, '--admin-api-key', h.ada.apiKey, '--no-ui', '--log-file', path.join(work, 'immich-go.log')], { timeout: 120_000 });

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-immich-go-'));
    h = await startHousehold('127.0.0.33');
    server = `http://127.0.0.33:${h.runtime.port}`;
  });
  afterAll(async () => {
    await h?.runtime.close();
    await rm(work, { recursive: true, force: true });
  });

  it('uploads a folder, stacking RAW+JPEG and a burst, tagging every photo', async () => {
    const folder = path.join(work, 'fotos');
    await mkdir(path.join(folder, 'viagem'), { recursive: true });
    // A RAW and its JPEG: one name, one moment (the DNG says 2019-06-06 07:29:51; the JPEG's name says it too).
    await copyFile(mediaPath('photoprism__canon_eos_6d.dng'), path.join(folder, 'viagem', 'IMG_20190606_072951.dng'));
    await writeFile(path.join(folder, 'viagem', 'IMG_20190606_072951.jpg'), await jpeg(90, 140, 200));
    for (const [i, suffix] of [[1, '_COVER'], [2, ''], [3, '']] as const) {
      await writeFile(path.join(folder, `IMG_20231014_183246_BURST00${i}${suffix}.jpg`), await jpeg(200, 60 + i * 30, 40));
    }
    await writeFile(path.join(folder, 'jardim da avó.jpg'), await jpeg(40, 180, 60));

    const { stdout } = await immichGo(['from-folder', '--manage-raw-jpeg', 'StackCoverRaw', '--manage-burst', 'Stack', '--tag', 'Test/x', '--session-tag', folder]);
    expect(stdout).toMatch(/uploaded successfully\s+:\s+6/);
    expect(stdout).toMatch(/stacked\s+:\s+5/);
    // With its default flags immich-go pauses the media queues while it uploads, and resumes them at the end.
    const jobs = await get<Json>('/jobs');
    for (const queue of ['thumbnailGeneration', 'metadataExtraction', 'videoConversion', 'smartSearch', 'faceDetection']) expect(jobs[queue].queueStatus.isPaused, queue).toBe(false);

    const stacks = await get<Json[]>('/stacks');
    const names = stacks.map((s) => s.assets.map((a: Json) => `${a.originalFileName}${a.id === s.primaryAssetId ? ' (cover)' : ''}`).sort());
    expect(names).toEqual(
      expect.arrayContaining([
        ['IMG_20190606_072951.dng (cover)', 'IMG_20190606_072951.jpg'],
        ['IMG_20231014_183246_BURST001_COVER.jpg (cover)', 'IMG_20231014_183246_BURST002.jpg', 'IMG_20231014_183246_BURST003.jpg'],
      ]),
    );
    const tags = await get<Json[]>('/tags');
    const tagged = async (value: string) => {
      const tag = tags.find((t) => t.value === value)!;
      return (await h.api.call<Json>('POST', '/search/metadata', { key: h.ada.apiKey, body: { tagIds: [tag.id] } })).body.assets.total;
    };
    expect(await tagged('Test/x')).toBe(6);
    const session = tags.find((t) => t.value.startsWith('{immich-go}/'))!;
    expect(await tagged(session.value)).toBe(6);
  });

  it('imports a Google Takeout: people as tags, the album, dates and places from the JSON sidecars', async () => {
    const meta = (title: string, taken: number, extra: Json = {}) =>
      Buffer.from(JSON.stringify({ title, description: '', photoTakenTime: { timestamp: String(taken) }, creationTime: { timestamp: String(taken) }, geoData: { latitude: 37.1, longitude: -8.5, altitude: 0 }, ...extra }));
    const root = 'Takeout/Google Photos';
    const zip = await takeoutZip([
      { name: `${root}/Photos from 2023/PXL_20230801_101010000.jpg`, data: await jpeg(10, 100, 200) },
      { name: `${root}/Photos from 2023/PXL_20230801_101010000.jpg.json`, data: meta('PXL_20230801_101010000.jpg', 1690884610, { people: [{ name: 'Anna' }, { name: 'Zoé' }] }) },
      { name: `${root}/Photos from 2023/PXL_20230802_111111000.jpg`, data: await jpeg(200, 100, 10) },
      { name: `${root}/Photos from 2023/PXL_20230802_111111000.jpg.json`, data: meta('PXL_20230802_111111000.jpg', 1690974671) },
      { name: `${root}/Férias no Algarve/PXL_20230803_121212000.jpg`, data: await jpeg(100, 200, 10) },
      { name: `${root}/Férias no Algarve/PXL_20230803_121212000.jpg.json`, data: meta('PXL_20230803_121212000.jpg', 1691064732, { people: [{ name: 'Anna' }] }) },
      { name: `${root}/Férias no Algarve/metadata.json`, data: Buffer.from(JSON.stringify({ title: 'Férias no Algarve', date: { timestamp: '1691064732' } })) },
    ]);
    const file = path.join(work, 'takeout-001.zip');
    await writeFile(file, zip);
    const { stdout } = await immichGo(['from-google-photos', file]);
    expect(stdout).toMatch(/uploaded successfully\s+:\s+3/);

    const albums = await get<Json[]>('/albums');
    expect(albums.find((a) => a.albumName === 'Férias no Algarve')?.assetCount).toBe(1);
    const tags = (await get<Json[]>('/tags')).map((t) => t.value);
    expect(tags).toEqual(expect.arrayContaining(['People/Anna', 'People/Zoé']));
    const found = (await h.api.call<Json>('POST', '/search/metadata', { key: h.ada.apiKey, body: { originalFileName: 'PXL_20230801_101010000' } })).body.assets.items;
    const asset = await get(`/assets/${found[0].id}`);
    expect(asset.localDateTime).toBe('2023-08-01T10:10:10.000Z');
    expect(asset.exifInfo).toMatchObject({ latitude: 37.1, longitude: -8.5 });
    expect(asset.tags.map((t: Json) => t.value)).toEqual(expect.arrayContaining(['People/Anna', 'People/Zoé']));
  });
});
