import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CorruptFile } from '../errors.js';
import { assertWithinPixelLimit, type RawImage } from './render-thumbnails.js';

/**
 * HEIC/HEIF (iPhone, Samsung, Nokia photos): sharp's prebuilt libvips has no HEVC decoder,
 * so they are decoded by libheif (WebAssembly, the `libheif-js` package) in worker threads
 * — one per core, started on first use, ended when idle — and handed to sharp as raw RGBA.
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
  let offset = 0;
  while (offset + 8 <= file.length) {
    let size = file.readUInt32BE(offset);
    if (size === 1) size = offset + 16 <= file.length ? Number(file.readBigUInt64BE(offset + 8)) : Number.MAX_SAFE_INTEGER;
    if (size === 0) return; // the last box runs to the end of the file
    if (size < 8 || offset + size > file.length) {
      throw new CorruptFile(`The HEIF file is truncated or damaged: a ${file.toString('latin1', offset + 4, offset + 8)} box needs ${size} bytes, ${file.length - offset} are left`);
    }
    offset += size;
  }
  if (offset !== file.length) throw new CorruptFile('The HEIF file is truncated or damaged: it ends inside a box header');
}

/** Width and height of the primary image, without decoding its pixels. */
export async function readHeifSize(file: Buffer): Promise<{ width: number; height: number }> {
  assertCompleteBoxes(file);
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
