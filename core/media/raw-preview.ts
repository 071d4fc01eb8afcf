import exifr from 'exifr';
import sharp from 'sharp';
import { CorruptFile } from '../errors.js';
import { assertWithinPixelLimit, type RawImage } from './render-thumbnails.js';
import { decodeInWorker } from './wasm-decoders.js';

/**
 * Camera RAW files carry the camera's own rendering as embedded JPEGs (a small thumbnail,
 * often a full-size preview). Shoebox shows the largest baseline or progressive one, as
 * Immich does; lossless-JPEG tiles (the raw sensor data in DNG, CR2) are skipped. A RAW
 * whose previews are missing or small is developed from its sensor data by LibRaw.
 */
export interface EmbeddedJpeg {
  data: Buffer;
  width: number;
  height: number;
}

const SOI = Buffer.from([0xff, 0xd8, 0xff]);

export function largestEmbeddedJpeg(file: Buffer): EmbeddedJpeg {
  const starts: number[] = [];
  for (let at = file.indexOf(SOI); at >= 0; at = file.indexOf(SOI, at + 3)) starts.push(at);
  let best: EmbeddedJpeg | undefined;
  for (const [i, start] of starts.entries()) {
    const frame = frameSize(file, start);
    if (!frame || (best && frame.width * frame.height <= best.width * best.height)) continue;
    // Up to the next JPEG (or the end): a decoder stops at its own end marker.
    best = { data: file.subarray(start, starts[i + 1] ?? file.length), ...frame };
  }
  if (!best) throw new CorruptFile('This RAW file has no embedded preview Shoebox can show (and RAW development is not available)');
  return best;
}

/** The size in a baseline/extended/progressive frame header (SOF0–2), walking the markers from SOI. */
function frameSize(file: Buffer, start: number): { width: number; height: number } | undefined {
  let at = start + 2;
  while (at + 9 < file.length) {
    if (file[at] !== 0xff) return undefined;
    const marker = file[at + 1]!;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      at += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan data before any frame header
    const length = file.readUInt16BE(at + 2);
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      const height = file.readUInt16BE(at + 5);
      const width = file.readUInt16BE(at + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return undefined; // lossless, arithmetic: sensor data
    at += 2 + length;
  }
  return undefined;
}

export function isCameraRaw(mime: string | null): boolean {
  return mime !== null && /^image\/x-/.test(mime);
}

/** An embedded preview at least this long is shown as it is; smaller ones only when developing fails. */
const GOOD_PREVIEW_SIDE = 1024;

/** The picture of a RAW file for the thumbnail renderer: the camera's preview, else the sensor data developed. */
export async function rawPicture(file: Buffer, maxPixels: number): Promise<Buffer | RawImage> {
  const preview = findLargestEmbeddedJpeg(file);
  if (preview && Math.max(preview.width, preview.height) >= GOOD_PREVIEW_SIDE) return uprightPreview(file, preview);
  try {
    return await developRaw(file, maxPixels);
  } catch (error) {
    if (preview && error instanceof CorruptFile) return uprightPreview(file, preview);
    throw error;
  }
}

/** LibRaw (WebAssembly, in a worker thread) at half size, already turned upright. */
export async function developRaw(file: Buffer, maxPixels: number): Promise<RawImage> {
  const reply = await decodeInWorker('raw', file, maxPixels);
  if (reply.tooLarge) assertWithinPixelLimit(reply.width!, reply.height!, maxPixels);
  if (reply.error || !reply.pixels) {
    throw new CorruptFile(`This RAW file has no embedded preview and its sensor data cannot be developed (${reply.error ?? 'no pixels'})`);
  }
  return { pixels: Buffer.from(reply.pixels), width: reply.width!, height: reply.height!, channels: reply.channels ?? 3 };
}

function findLargestEmbeddedJpeg(file: Buffer): EmbeddedJpeg | undefined {
  try {
    return largestEmbeddedJpeg(file);
  } catch (error) {
    if (error instanceof CorruptFile) return undefined;
    throw error;
  }
}

/**
 * The preview as a JPEG that says which way is up: embedded previews rarely carry EXIF, the
 * RAW file's own orientation applies to them.
 */
async function uprightPreview(file: Buffer, preview: EmbeddedJpeg): Promise<Buffer> {
  const orientation = await exifr.orientation(file).catch(() => undefined);
  if (!orientation || orientation === 1) return preview.data;
  return sharp(preview.data).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
}
