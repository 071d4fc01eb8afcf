import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { unzipEntries } from '../../test/unzip.js';
import { archiveNames, zipStream, type ZipSource } from './zip-stream.js';

const source = (name: string, bytes: Buffer, chunk = 1000): ZipSource => ({
  name,
  size: bytes.length,
  modified: new Date('2021-06-01T18:30:08Z'),
  open: async () => Readable.from((function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  })()),
});
const collect = async (chunks: AsyncIterable<Buffer>) => {
  const parts: Buffer[] = [];
  for await (const part of chunks) parts.push(part);
  return Buffer.concat(parts);
};
const random = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff));

describe('zipStream', () => {
  const files = [
    ['IMG_0001.JPG', random(5000, 1)],
    ['Café 東京.heic', random(12_345, 2)],
    ['empty.txt', Buffer.alloc(0)],
  ] as const;

  it('writes a zip yauzl opens, every entry byte for byte with its CRC checked, names in UTF-8', async () => {
    const zip = await collect(zipStream(files.map(([n, b]) => source(n, b))));
    const entries = await unzipEntries(zip);
    expect([...entries.keys()]).toEqual(files.map(([n]) => n));
    for (const [name, bytes] of files) expect(entries.get(name)!.equals(bytes), name).toBe(true);
    // Stored, not deflated: the archive is the files plus headers.
    expect(zip.length).toBeLessThan(5000 + 12_345 + 600);
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false);
  });

  it('writes ZIP64 records past the threshold (4 GiB for real), and the archive still opens', async () => {
    const zip = await collect(zipStream(files.map(([n, b]) => source(n, b)), 4096));
    expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const entries = await unzipEntries(zip);
    for (const [name, bytes] of files) expect(entries.get(name)!.equals(bytes), name).toBe(true);
  });

  it('writes an empty archive, and fails rather than lie when a file is not the size it was said to be', async () => {
    expect((await unzipEntries(await collect(zipStream([])))).size).toBe(0);
    const liar = { ...source('short.jpg', random(100, 3)), size: 200 };
    await expect(collect(zipStream([liar]))).rejects.toThrow(/changed while it was being zipped/);
  });

  it('makes names unique and plain, as Immich does', () => {
    expect(archiveNames(['a.jpg', 'a.jpg', 'a.jpg', 'b', 'b', '../../etc/passwd', '.hidden', '', 'x\u0000y.jpg'])).toEqual([
      'a.jpg', 'a+1.jpg', 'a+2.jpg', 'b', 'b+1', '_.._etc_passwd', 'hidden', 'unnamed', 'x_y.jpg',
    ]);
  });
});
