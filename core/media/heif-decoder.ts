import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CorruptFile } from '../errors.js';
import { runTool, ToolFailed } from './ffmpeg.js';
import { topLevelBoxes } from './iso-boxes.js';
import { assertWithinPixelLimit, type RawImage, type UprightImage } from './render-thumbnails.js';

/**
 * HEIC/HEIF (iPhone, Samsung, Nokia photos): sharp's prebuilt libvips has no HEVC decoder.
 * Where libheif's own tool is installed (Debian: `apt install libheif-examples`, or
 * SHOEBOX_HEIF_CONVERT) it decodes natively to a JPEG, ~3× faster; everywhere else libheif
 * compiled to WebAssembly (`libheif-js`) decodes in worker threads — one per core, started
 * on first use, ended when idle — and hands sharp raw RGBA.
 */

interface Reply {
  id: number;
  width?: number;
  height?: number;
  pixels?: ArrayBuffer;
  tooLarge?: boolean;
  error?: string;
}

const IDLE_MS = 30_000;
const workers: Array<{ worker: Worker; ids: Set<number> }> = [];
const pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

function leastBusyWorker() {
  const size = Math.max(1, Math.min(os.availableParallelism(), 4));
  if (workers.length < size && workers.every((w) => w.ids.size > 0)) {
    const entry = { worker: new Worker(new URL('./heif-decode-worker.mjs', import.meta.url)), ids: new Set<number>() };
    entry.worker.unref();
    entry.worker.on('message', (reply: Reply) => {
      entry.ids.delete(reply.id);
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    entry.worker.on('error', (error) => {
      // A crashed decoder fails what it held; the next call starts another.
      workers.splice(workers.indexOf(entry), 1);
      for (const id of entry.ids) {
        pending.get(id)?.reject(error);
        pending.delete(id);
      }
    });
    workers.push(entry);
  }
  return workers.reduce((a, b) => (b.ids.size < a.ids.size ? b : a));
}

function call(file: Buffer, maxPixels: number, headerOnly: boolean): Promise<Reply> {
  clearTimeout(idleTimer);
  const entry = leastBusyWorker();
  const id = nextId++;
  entry.ids.add(id);
  const copy = new Uint8Array(file).buffer;
  const reply = new Promise<Reply>((resolve, reject) => pending.set(id, { resolve, reject }));
  entry.worker.postMessage({ id, file: copy, maxPixels, headerOnly }, [copy]);
  return reply.finally(() => {
    if (pending.size === 0) idleTimer = setTimeout(stopHeifDecoders, IDLE_MS).unref();
  });
}

/**
 * HEIF is ISO-BMFF: a list of boxes, each with its size up front. libheif decodes what tiles
 * it finds, so a file cut short would come out partly grey; its boxes tell the truth first.
 */
export function assertCompleteBoxes(file: Buffer): void {
  const { problem } = topLevelBoxes(file);
  if (problem) throw new CorruptFile(`The HEIF file is truncated or damaged: ${problem}`);
}

/**
 * Width and height as shown, from the item properties: the largest `ispe` (the whole image;
 * a grid's tiles are smaller), swapped when an `irot` turns it a quarter. No decoder needed.
 */
export function heifSizeFromBoxes(file: Buffer): { width: number; height: number } | undefined {
  // Only inside the top-level `meta` box: image data could hold the same four letters by chance.
  const box = topLevelBoxes(file).boxes.find((b) => b.type === 'meta');
  if (!box) return undefined;
  const meta = file.subarray(box.start, box.end);
  let best: { width: number; height: number } | undefined;
  for (let at = meta.indexOf('ispe', 0, 'latin1'); at >= 4 && at + 16 <= meta.length; at = meta.indexOf('ispe', at + 4, 'latin1')) {
    const width = meta.readUInt32BE(at + 8);
    const height = meta.readUInt32BE(at + 12);
    if (width > 0 && height > 0 && (!best || width * height > best.width * best.height)) best = { width, height };
  }
  const irot = meta.indexOf('irot', 0, 'latin1');
  const quarterTurn = irot >= 4 && irot + 5 <= meta.length && (meta[irot + 4]! & 0x03) % 2 === 1;
  return best && quarterTurn ? { width: best.height, height: best.width } : best;
}

/** Width and height of the primary image, without decoding its pixels. */
export async function readHeifSize(file: Buffer): Promise<{ width: number; height: number }> {
  assertCompleteBoxes(file);
  const fromBoxes = heifSizeFromBoxes(file);
  if (fromBoxes) return fromBoxes;
  const reply = await call(file, Number.MAX_SAFE_INTEGER, true);
  if (reply.error || !reply.width || !reply.height) throw new CorruptFile(`The HEIF image is damaged and cannot be read (${reply.error ?? 'no size'})`);
  return { width: reply.width, height: reply.height };
}

export async function decodeHeif(file: Buffer, maxPixels: number): Promise<RawImage> {
  assertCompleteBoxes(file);
  const reply = await call(file, maxPixels, false);
  if (reply.tooLarge) assertWithinPixelLimit(reply.width!, reply.height!, maxPixels);
  if (reply.error || !reply.pixels) throw new CorruptFile(`The HEIF image is damaged and cannot be decoded (${reply.error ?? 'no pixels'})`);
  return { pixels: Buffer.from(reply.pixels), width: reply.width!, height: reply.height! };
}

export async function stopHeifDecoders(): Promise<void> {
  await Promise.all(workers.splice(0).map((w) => w.worker.terminate()));
}

export function isHeif(mime: string | null): boolean {
  return mime === 'image/heic' || mime === 'image/heif';
}

let nativeTool: Promise<string | undefined> | undefined;

/** libheif's heif-convert, if this machine has it (SHOEBOX_HEIF_CONVERT=none turns it off). */
export function nativeHeifConvert(): Promise<string | undefined> {
  nativeTool ??= (async () => {
    if (process.env.SHOEBOX_HEIF_CONVERT === 'none') return undefined;
    for (const candidate of [process.env.SHOEBOX_HEIF_CONVERT, '/usr/bin/heif-convert', '/usr/local/bin/heif-convert']) {
      if (candidate && (await access(candidate, constants.X_OK).then(() => true, () => false))) return candidate;
    }
    return undefined;
  })();
  return nativeTool;
}

/** The picture of a HEIF file, upright, for the thumbnail renderer: a JPEG from the native tool, else raw RGBA. */
export async function decodeHeifForThumbnails(file: Buffer, maxPixels: number): Promise<UprightImage | RawImage> {
  const tool = await nativeHeifConvert();
  if (!tool) return decodeHeif(file, maxPixels);
  const { width, height } = await readHeifSize(file);
  assertWithinPixelLimit(width, height, maxPixels);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-heif-'));
  try {
    await writeFile(path.join(dir, 'in.heic'), file);
    try {
      await runTool(tool, ['--quiet', '-q', '92', path.join(dir, 'in.heic'), path.join(dir, 'out.jpg')], { timeoutMs: 120_000 });
    } catch (error) {
      if (error instanceof ToolFailed) throw new CorruptFile(`The HEIF image is damaged and cannot be decoded (${error.message})`);
      throw error;
    }
    // libheif applied the file's rotation; the EXIF it copies into the JPEG still says to rotate.
    return { upright: await readFile(path.join(dir, 'out.jpg')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
