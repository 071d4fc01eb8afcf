import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import yauzl from 'yauzl';

/** One file inside a Takeout export: a .zip or .tgz archive, or an extracted folder. */
export interface TakeoutEntry {
  /** The archive or folder it came from. */
  source: string;
  /** '/'-separated path inside it, e.g. 'Takeout/Google Photos/Trip/IMG_1.jpg'. */
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * Visits every file of every source in order, streaming: an archive is read once from start
 * to end and never extracted as a whole. `visit` consumes `open()`'s stream or ignores it
 * (the bytes are then skipped); it is awaited before the next entry.
 */
export async function forEachTakeoutEntry(
  sources: string[],
  visit: (entry: TakeoutEntry, open: () => Promise<AsyncIterable<Buffer>>) => Promise<void>,
  /** An entry skipped for its name or its compression (a path out of the export, a zip bomb); the rest goes on. */
  refuse: (entry: { source: string; name: string }, reason: string) => void = () => undefined,
): Promise<void> {
  for (const source of sources) {
    const info = await stat(source);
    if (info.isDirectory()) await walkFolder(source, visit);
    else if (/\.zip$/i.test(source)) await walkZip(source, visit, refuse);
    else if (/\.(tgz|tar\.gz)$/i.test(source)) await walkTarGz(source, visit, refuse);
    else throw new Error(`${source}: not a Takeout .zip, .tgz or folder`);
  }
}

type Visit = Parameters<typeof forEachTakeoutEntry>[1];
type Refuse = NonNullable<Parameters<typeof forEachTakeoutEntry>[2]>;

/** Deflate reaches ~1,000:1 at most on real data; far beyond that on a big entry is a bomb. */
const MAX_RATIO = 1000;
const RATIO_CHECKED_ABOVE = 64 * 1024 * 1024;

/** Why an entry is refused, or undefined: its name must stay inside the export, its size believable. */
export function refusedEntry(name: string, sizes?: { compressed: number; uncompressed: number }): string | undefined {
  if (name.includes('\0')) return 'the name contains a NUL character';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\')) return 'the path is absolute or uses backslashes';
  if (name.split('/').includes('..')) return 'the path leads out of the export (..)';
  if (sizes && sizes.uncompressed > RATIO_CHECKED_ABOVE && sizes.uncompressed > sizes.compressed * MAX_RATIO) {
    return `it would expand ${Math.round(sizes.uncompressed / Math.max(1, sizes.compressed))} times (a decompression bomb)`;
  }
  return undefined;
}

async function walkFolder(root: string, visit: Visit): Promise<void> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries.sort((a, b) => path.join(a.parentPath, a.name).localeCompare(path.join(b.parentPath, b.name)))) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const info = await stat(full);
    const name = path.relative(root, full).split(path.sep).join('/');
    await visit({ source: root, name, size: info.size, mtimeMs: info.mtimeMs }, async () => createReadStream(full, { highWaterMark: 1024 * 1024 }));
  }
}

async function walkZip(file: string, visit: Visit, refuse: Refuse): Promise<void> {
  // decodeStrings off: yauzl would end the whole archive at the first unsafe name; we skip that entry.
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: true }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = Buffer.isBuffer(entry.fileName) ? (entry.fileName as Buffer).toString('utf8') : entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      const refused = refusedEntry(name, { compressed: entry.compressedSize, uncompressed: entry.uncompressedSize });
      if (refused) {
        refuse({ source: file, name }, refused);
        return zip.readEntry();
      }
      const open = () =>
        new Promise<AsyncIterable<Buffer>>((res, rej) => zip.openReadStream(entry, (error, stream) => (error ? rej(error) : res(stream))));
      visit({ source: file, name, size: entry.uncompressedSize, mtimeMs: entry.getLastModDate().getTime() }, open).then(
        () => zip.readEntry(),
        (error: unknown) => {
          zip.close();
          reject(error as Error);
        },
      );
    });
    zip.readEntry();
  });
}

async function walkTarGz(file: string, visit: Visit, refuse: Refuse): Promise<void> {
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  createReadStream(file).on('error', (error) => extract.destroy(error)).pipe(createGunzip()).on('error', (error) => extract.destroy(error)).pipe(extract);
  extract.on('entry', (header, stream, next) => {
    // The next entry comes once this one's bytes are consumed AND its visit is over.
    let ended = false;
    let visited = header.type !== 'file';
    const advance = () => ended && visited && next();
    stream.on('end', () => {
      ended = true;
      advance();
    });
    if (visited) return stream.resume();
    let opened = false;
    const entry = { source: file, name: header.name.replace(/^\.\//, ''), size: header.size ?? 0, mtimeMs: header.mtime?.getTime() ?? 0 };
    const refused = refusedEntry(entry.name);
    if (refused) {
      refuse(entry, refused);
      visited = true;
      return stream.resume();
    }
    visit(entry, async () => {
      opened = true;
      return stream as AsyncIterable<Buffer>; // tar-stream's entries yield Buffers
    }).then(
      () => {
        if (!opened) stream.resume(); // nobody wanted the bytes: skip them
        visited = true;
        advance();
      },
      (error: unknown) => extract.destroy(error as Error),
    );
  });
  await done;
}
