import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crc32, splitArchives, uniqueNames, zipBlob } from '../site/src/lib/zip-archive.js';
import { colourPhoto } from './media-samples.js';
import { unzipEntries as unzip } from './unzip.js';

describe('the browser-made zip of originals', () => {
  it('computes the same CRC-32 as zlib', async () => {
    const { crc32: zlibCrc } = await import('node:zlib');
    const bytes = await colourPhoto(10, 200, 30, 1);
    expect(await crc32(new Blob([new Uint8Array(bytes)]))).toBe(zlibCrc(bytes));
    expect(await crc32(new Blob([]))).toBe(0);
  });

  it('stores each original byte for byte, with UTF-8 names, readable by yauzl and by unzip', async () => {
    const photos = [await colourPhoto(200, 10, 10, 1), await colourPhoto(10, 10, 200, 2), Buffer.alloc(0)];
    const names = uniqueNames(['IMG_0001.JPG', 'img_0001.jpg', 'Été à Lisboa.jpg']);
    const entries = await Promise.all(photos.map(async (bytes, i) => ({ name: names[i]!, data: new Blob([new Uint8Array(bytes)]), crc32: await crc32(new Blob([new Uint8Array(bytes)])), modified: new Date(2024, 6, 14, 18, 30, 10) })));
    const zip = Buffer.from(await zipBlob(entries).arrayBuffer());
    const files = await unzip(zip);
    expect([...files.keys()]).toEqual(['IMG_0001.JPG', 'img_0001 (2).jpg', 'Été à Lisboa.jpg']);
    expect(files.get('IMG_0001.JPG')!.equals(photos[0]!)).toBe(true);
    expect(files.get('img_0001 (2).jpg')!.equals(photos[1]!)).toBe(true);
    expect(files.get('Été à Lisboa.jpg')!.length).toBe(0);

    // Info-ZIP's unzip agrees (tests its CRCs), where it is installed.
    const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-zip-'));
    try {
      await writeFile(path.join(work, 'a.zip'), zip);
      let unzipOutput: string | undefined;
      try {
        unzipOutput = execFileSync('unzip', ['-t', path.join(work, 'a.zip')], { encoding: 'utf8' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (unzipOutput !== undefined) expect(unzipOutput).toMatch(/No errors detected/);
      expect((await readFile(path.join(work, 'a.zip'))).length).toBe(zip.length);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('keeps names inside the archive and apart', () => {
    expect(uniqueNames(['../../etc/passwd', '/abs.jpg', '..', '', 'a.jpg', 'A.JPG', 'a.jpg'])).toEqual(['__.._etc_passwd', '_abs.jpg', '_', 'file', 'a.jpg', 'A (2).JPG', 'a (3).jpg']);
  });

  it('splits a download into archives under the size and count limits', () => {
    const entry = (size: number) => ({ data: new Blob([new Uint8Array(size)]) });
    expect(splitArchives([entry(40), entry(40), entry(40)], 100).map((a) => a.length)).toEqual([1, 1, 1]);
    expect(splitArchives([entry(10), entry(10), entry(500), entry(10)], 400).map((a) => a.length)).toEqual([2, 1, 1]);
    expect(splitArchives([entry(1), entry(1), entry(1)], 10_000, 2).map((a) => a.length)).toEqual([2, 1]);
    expect(splitArchives([], 100)).toEqual([]);
  });
});
