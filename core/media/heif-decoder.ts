import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CorruptFile } from '../errors.js';
import { ffmpegPath, runTool, ToolFailed } from './ffmpeg.js';
import { readHevcPicture, type HevcPicture } from './heif-items.js';
import { topLevelBoxes } from './iso-boxes.js';
import { decodeInWorker } from './wasm-decoders.js';
import { assertWithinPixelLimit, type RawImage, type UprightImage } from './render-thumbnails.js';

/**
 * HEIC/HEIF (iPhone, Samsung, Nokia photos): sharp's prebuilt libvips has no HEVC decoder.
 * Three decoders, fastest first:
 * 1. ffmpeg (shipped for video) decodes the HEVC tiles read from the file's boxes
 *    (`heif-items.ts`) and assembles the grid: ~2.5× libheif's speed, everywhere.
 * 2. libheif's own tool where installed (Debian: `apt install libheif-examples`, or
 *    SHOEBOX_HEIF_CONVERT), for what (1) does not cover (overlays, crops, mirrors).
 * 3. libheif compiled to WebAssembly (`libheif-js`) in worker threads — one per core, started
 *    on first use, ended when idle — handing sharp raw RGBA; also the one for sizes.
 */

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
  const reply = await decodeInWorker('heif', file, Number.MAX_SAFE_INTEGER, true);
  if (reply.error || !reply.width || !reply.height) throw new CorruptFile(`The HEIF image is damaged and cannot be read (${reply.error ?? 'no size'})`);
  return { width: reply.width, height: reply.height };
}

export async function decodeHeif(file: Buffer, maxPixels: number): Promise<RawImage> {
  assertCompleteBoxes(file);
  const reply = await decodeInWorker('heif', file, maxPixels, false);
  if (reply.tooLarge) assertWithinPixelLimit(reply.width!, reply.height!, maxPixels);
  if (reply.error || !reply.pixels) throw new CorruptFile(`The HEIF image is damaged and cannot be decoded (${reply.error ?? 'no pixels'})`);
  return { pixels: Buffer.from(reply.pixels), width: reply.width!, height: reply.height!, channels: 4 };
}

/** ffmpeg decodes the tiles as frames, lays them out, crops and turns the result: raw RGB. */
export async function decodeHevcTiles(file: Buffer, maxPixels: number): Promise<RawImage | undefined> {
  let picture: HevcPicture | undefined;
  try {
    picture = readHevcPicture(file);
  } catch (error) {
    if (error instanceof RangeError) return undefined; // damaged boxes: libheif gives the reason
    throw error;
  }
  if (!picture) return undefined;
  const { width, height, columns, rows, quarterTurns } = picture;
  assertWithinPixelLimit(width, height, maxPixels);
  // RGB before the crop: cropping YUV 4:2:0 would round odd sizes down to even ones.
  const filters = [`tile=${columns}x${rows}`, 'format=rgb24', `crop=${width}:${height}:0:0`, ...TURNS[quarterTurns]!];
  try {
    const pixels = await runTool(
      ffmpegPath(),
      ['-hide_banner', '-v', 'error', '-f', 'hevc', '-i', 'pipe:0', '-vf', filters.join(','), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { timeoutMs: 120_000, input: picture.stream, maxOutput: width * height * 3 },
    );
    if (pixels.length !== width * height * 3) return undefined;
    const upright = quarterTurns % 2 === 1 ? { width: height, height: width } : { width, height };
    return { pixels, ...upright, channels: 3, icc: picture.icc };
  } catch (error) {
    if (error instanceof ToolFailed) return undefined; // a damaged tile: libheif decides and says why
    throw error;
  }
}

/** `irot` counts anticlockwise quarter turns; ffmpeg's transpose=2 is one of them. */
const TURNS = [[], ['transpose=2'], ['hflip', 'vflip'], ['transpose=1']];

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

/** The picture of a HEIF file, upright, for the thumbnail renderer. */
export async function decodeHeifForThumbnails(file: Buffer, maxPixels: number): Promise<UprightImage | RawImage> {
  assertCompleteBoxes(file);
  const fast = await decodeHevcTiles(file, maxPixels);
  if (fast) return fast;
  const tool = await nativeHeifConvert();
  return tool ? decodeWithHeifConvert(tool, file, maxPixels) : decodeHeif(file, maxPixels);
}

/** libheif's own tool, to a JPEG it has turned upright. */
export async function decodeWithHeifConvert(tool: string, file: Buffer, maxPixels: number): Promise<UprightImage> {
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
