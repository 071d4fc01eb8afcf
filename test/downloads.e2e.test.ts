import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { downloadArchive, getDownloadInfo } from '@immich/sdk';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { insertSyntheticAssets } from './synthetic-assets.js';
import { as, startHousehold, type Household, type TestRuntime, type TestUser } from './test-runtime.js';
import { unzipEntries } from './unzip.js';

const HOST = '127.0.0.25';
const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/**
 * Downloads as Immich's clients ask for them (@immich/sdk at another address): how a selection,
 * an album or a library splits into archives, and each archive streamed by the server as a zip
 * of the originals byte for byte — same names made unique, a live photo's motion part with it,
 * every role held to what it may download — and past 4 GiB as ZIP64, opened by yauzl.
 */
describe('downloads', () => {
  let runtime: TestRuntime;
  let api: Household['api'];
  let ada: TestUser;
  let bea: TestUser;
  let cy: TestUser;
  let work: string;
  const originals: Record<string, Buffer> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ runtime, api, ada, bea, cy } = await startHousehold(HOST, [['ada', 'bea']]));
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-downloads-'));
    for (const [key, file, name] of [
      ['fir', 'test-assets__silver_fir.jpg', 'IMG_0001.jpg'],
      ['falcon', 'test-assets__prairie_falcon.jpg', 'IMG_0001.jpg'],
      ['arezzo', 'exif-samples__DSCN0010.jpg', 'Arezzo è bella.jpg'],
      ['video', 'photoprism__isom-avc1.mp4', 'motion.mp4'],
    ] as const) {
      originals[key] = await readMedia(file);
      ids[key] = await api.upload(ada, originals[key]!, name);
    }
    // The fir is a live photo now: its motion part goes where it goes.
    expect((await api.call('PUT', `/assets/${ids.fir}`, { key: ada.apiKey, body: { livePhotoVideoId: ids.video } })).status).toBe(200);
    ids.album = (await api.call<{ id: string }>('POST', '/albums', { key: ada.apiKey, body: { albumName: 'Two', assetIds: [ids.fir, ids.arezzo] } })).body.id;
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  const zipOf = async (assetIds: string[], user = ada) => unzipEntries(Buffer.from(await (await downloadArchive({ downloadArchiveDto: { assetIds } }, as(user))).arrayBuffer()));

  it('splits a selection, an album and a library into archives of the asked size, motion parts included', async () => {
    const size = (key: string) => originals[key]!.length;
    const selection = await getDownloadInfo({ downloadInfoDto: { assetIds: [ids.fir!, ids.falcon!] } }, as(ada));
    // Immich answers a POST it does not name otherwise with 201 Created, this one too.
    expect((await api.call('POST', '/download/info', { key: ada.apiKey, body: { assetIds: [ids.fir] } })).status).toBe(201);
    expect(selection).toEqual({ totalSize: size('fir') + size('falcon') + size('video'), archives: [{ assetIds: [ids.fir, ids.falcon, ids.video], size: selection.totalSize }] });
    // An archive closes once it passes archiveSize.
    const split = await getDownloadInfo({ downloadInfoDto: { assetIds: [ids.fir!, ids.falcon!, ids.arezzo!], archiveSize: 1 } }, as(ada));
    expect(split.archives.map((a) => a.assetIds)).toEqual([[ids.fir], [ids.falcon], [ids.arezzo], [ids.video]]);
    const album = await getDownloadInfo({ downloadInfoDto: { albumId: ids.album! } }, as(ada));
    expect(album.archives.flatMap((a) => a.assetIds).sort()).toEqual([ids.fir, ids.arezzo, ids.video].sort());
    const library = await getDownloadInfo({ downloadInfoDto: { userId: ada.id } }, as(ada));
    expect(library.archives.flatMap((a) => a.assetIds).sort()).toEqual([ids.fir, ids.falcon, ids.arezzo, ids.video].sort());
    expect(library.totalSize).toBe(size('fir') + size('falcon') + size('arezzo') + size('video'));
  });

  it('streams the originals as one zip, byte for byte, names made unique as Immich makes them', async () => {
    const entries = await zipOf([ids.fir!, ids.falcon!, ids.arezzo!]);
    expect([...entries.keys()]).toEqual(['IMG_0001.jpg', 'IMG_0001+1.jpg', 'Arezzo è bella.jpg', 'motion.mp4']);
    expect(sha1(entries.get('IMG_0001.jpg')!)).toBe(sha1(originals.fir!));
    expect(sha1(entries.get('IMG_0001+1.jpg')!)).toBe(sha1(originals.falcon!));
    expect(sha1(entries.get('Arezzo è bella.jpg')!)).toBe(sha1(originals.arezzo!));
    expect(sha1(entries.get('motion.mp4')!)).toBe(sha1(originals.video!));
    const response = await fetch(`http://${HOST}:${runtime.port}/api/download/archive`, {
      method: 'POST',
      headers: { 'x-api-key': ada.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ assetIds: [ids.arezzo] }),
    });
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    await response.arrayBuffer();
  });

  it('lets a partner and a link that allows it download, and refuses everyone else with nothing sent', async () => {
    expect([...(await zipOf([ids.falcon!], bea)).keys()]).toEqual(['IMG_0001.jpg']);
    for (const [who, body] of [
      [cy, { assetIds: [ids.falcon] }],
      [cy, { albumId: ids.album }],
      [bea, { userId: ada.id }],
      [ada, { assetIds: [ids.falcon, crypto.randomUUID()] }],
    ] as const) {
      for (const route of ['/download/info', '/download/archive']) {
        if (route === '/download/archive' && !('assetIds' in body)) continue;
        const refused = await api.call<{ message: string }>('POST', route, { key: who.apiKey, body });
        expect(refused.status, `${route} ${JSON.stringify(body)}`).toBe(400);
        expect(refused.body.message).toMatch(/^Not found or no (asset|album|timeline)\.download access$/);
      }
    }
    const open = await api.call<{ key: string }>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'ALBUM', albumId: ids.album, allowDownload: true } });
    const closed = await api.call<{ key: string }>('POST', '/shared-links', { key: ada.apiKey, body: { type: 'ALBUM', albumId: ids.album, allowDownload: false } });
    const asLink = (key: string, assetIds: string[]) => api.call('POST', `/download/archive?key=${key}`, { body: { assetIds } });
    const allowed = await fetch(`http://${HOST}:${runtime.port}/api/download/archive?key=${open.body.key}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ assetIds: [ids.arezzo] }),
    });
    expect([...(await unzipEntries(Buffer.from(await allowed.arrayBuffer()))).keys()]).toEqual(['Arezzo è bella.jpg']);
    expect((await asLink(open.body.key, [ids.falcon!])).status).toBe(400);
    expect(await asLink(closed.body.key, [ids.arezzo!])).toMatchObject({ status: 403, body: { message: 'This shared link does not allow downloads' } });
    expect((await api.call('POST', '/download/info', { body: { assetIds: [ids.arezzo] } })).status).toBe(401);
    for (const body of [{}, { assetIds: [] }, { assetIds: ['nope'] }, { assetIds: 'x' }]) {
      expect((await api.call('POST', '/download/archive', { key: ada.apiKey, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.call('POST', '/download/info', { key: ada.apiKey, body: {} })).body).toMatchObject({ message: 'assetIds, albumId, or userId is required' });
  });

  it('streams an archive past 4 GiB as ZIP64, in little memory, and yauzl opens it with every CRC right', async () => {
    // A 4.2 GB original, sparse on disk: reading it costs time, not space.
    const [big] = await insertSyntheticAssets(runtime.ports.db, ada.id, [{ localDateTime: '2024-01-01T10:00:00', type: 'VIDEO' }]);
    const size = 4_200_000_000;
    const key = `originals/${ada.id}/big.mp4`;
    await runtime.ports.store.write(key, Buffer.from('ftyp'), 'video/mp4');
    const file = await open(runtime.ports.store.localPath!(key)!, 'r+');
    await file.truncate(size);
    await file.close();
    await runtime.ports.db.query('UPDATE assets SET original_path = $2, file_size_bytes = $3 WHERE id = $1', [big, key, size]);

    const zipFile = path.join(work, 'big.zip');
    const before = process.memoryUsage().rss;
    const response = await fetch(`http://${HOST}:${runtime.port}/api/download/archive`, {
      method: 'POST',
      headers: { 'x-api-key': ada.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ assetIds: [ids.arezzo, big] }),
    });
    expect(response.status).toBe(200);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(zipFile));
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);

    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(zipFile, { lazyEntries: true, validateEntrySizes: true }, (e, z) => (e ? reject(e) : resolve(z))),
    );
    const seen: Array<[string, number, boolean]> = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(error);
          let n = 0;
          let crc = 0;
          stream.on('data', (c: Buffer) => {
            n += c.length;
            crc = crc32(c, crc);
          });
          stream.on('error', reject);
          stream.on('end', () => {
            seen.push([entry.fileName, n, crc === entry.crc32]);
            zip.readEntry();
          });
        }),
      );
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
    expect(seen).toEqual([
      ['Arezzo è bella.jpg', originals.arezzo!.length, true],
      [expect.stringMatching(/^IMG_.*\.jpg$/), size, true],
    ]);
  }, 180_000);
});
