import type { Readable } from 'node:stream';
import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { CorruptFile, UnsupportedMedia } from '../errors.js';

// Every original is decoded once; libvips' operation cache would only hold memory.
sharp.cache(false);

export interface ThumbnailSettings {
  /** Shorter side of the WebP thumbnail (Immich: 250). */
  thumbnailSize: number;
  /** Shorter side of the JPEG preview (Immich: 1440). */
  previewSize: number;
  quality: number;
  maxPixels: number;
}

export const DEFAULT_THUMBNAIL_SETTINGS: Omit<ThumbnailSettings, 'maxPixels'> = {
  thumbnailSize: 250,
  previewSize: 1440,
  quality: 80,
};

export interface RenderedImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface RenderedThumbnails {
  thumbnail: RenderedImage;
  preview: RenderedImage;
  thumbhash: Buffer;
}

/**
 * An RGB JPEG another decoder produced (libheif's): already upright, so its EXIF orientation
 * is stale; its colour profile (Display P3 on iPhones) is kept in the outputs rather than
 * converted to sRGB — browsers honour it, and converting costs more than the resize.
 */
export interface UprightImage {
  upright: Buffer;
}

/** Pixels another decoder produced (HEIF): RGB or RGBA, already oriented. */
export interface RawImage {
  pixels: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** The colour profile the pixels are in (Display P3 on iPhones); kept in the preview as is. */
  icc?: Buffer;
}

export interface ImageHeader {
  format: string;
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
  orientation: number | undefined;
}

/** Reads dimensions from the header without decoding pixels, refusing decompression bombs. */
export async function readImageHeader(input: Buffer, maxPixels: number): Promise<ImageHeader> {
  const meta = await sharp(input, { limitInputPixels: false }).metadata().catch((error: unknown) => {
    throw classifyDecodeError(error);
  });
  if (!meta.width || !meta.height) throw new CorruptFile('The image has no dimensions; the file is damaged');
  assertWithinPixelLimit(meta.width, meta.height, maxPixels);
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    format: meta.format,
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation: meta.orientation,
  };
}

export function assertWithinPixelLimit(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new CorruptFile(
      `The image claims ${width}×${height} pixels, over the limit of ${Math.round(maxPixels / 1e6)} megapixels; it was not decoded`,
    );
  }
}

/** The longest side a preview may have: WebP's limit is 16383, JPEG's 65535. */
export const MAX_PREVIEW_SIDE = 16_000;

/** Whether scaling the shorter side to `previewSize` would make the longer one exceed MAX_PREVIEW_SIDE (a 1 × 1,000,000 panorama strip). */
function tooLongForOutside(size: { width: number | null; height: number | null } | undefined, previewSize: number): boolean {
  if (!size?.width || !size.height) return false;
  const short = Math.min(size.width, size.height);
  const long = Math.max(size.width, size.height);
  return long * (Math.min(short, previewSize) / short) > MAX_PREVIEW_SIDE;
}

/**
 * Preview and thumbnail in one decode: the preview is made from the original (JPEG
 * shrink-on-load does most of the work), the thumbnail and thumbhash from the preview.
 * Both are auto-oriented and converted to sRGB; the original is only read.
 */
export async function renderThumbnails(
  input: Buffer | Readable | RawImage | UprightImage,
  settings: ThumbnailSettings,
  /** The picture's size when known (the metadata stage read it): very long, thin pictures are previewed whole, within MAX_PREVIEW_SIDE. */
  size?: { width: number | null; height: number | null },
): Promise<RenderedThumbnails> {
  const options = { limitInputPixels: settings.maxPixels, failOn: 'error', sequentialRead: true } as const;
  let decoder: Sharp;
  if (Buffer.isBuffer(input)) decoder = sharp(input, options).autoOrient();
  else if ('pixels' in input) decoder = sharp(input.pixels, { ...options, raw: { width: input.width, height: input.height, channels: input.channels } });
  else if ('upright' in input) decoder = sharp(input.upright, options).keepIccProfile();
  else {
    // A stream is piped straight into libvips: no copy of the original on the JS heap.
    decoder = input.pipe(sharp(options)).autoOrient();
    input.once('error', (error) => decoder.destroy(error));
  }
  try {
    const resized = tooLongForOutside(size, settings.previewSize)
      ? decoder.resize(MAX_PREVIEW_SIDE, MAX_PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })
      : decoder.resize(settings.previewSize, settings.previewSize, { fit: 'outside', withoutEnlargement: true });
    const keepsProfile = !Buffer.isBuffer(input) && 'upright' in input;
    const encoded = await (keepsProfile ? resized : resized.toColourspace('srgb')).jpeg({ quality: settings.quality }).toBuffer({ resolveWithObject: true });
    const profile = !Buffer.isBuffer(input) && 'pixels' in input ? input.icc : undefined;
    const preview = { data: profile ? withIccProfile(encoded.data, profile) : encoded.data, info: encoded.info };
    // Both small outputs come from the preview, in parallel: JPEG shrink-on-load makes these cheap.
    const [thumbnail, small] = await Promise.all([
      sharp(preview.data)
        .resize(settings.thumbnailSize, settings.thumbnailSize, { fit: 'outside', withoutEnlargement: true })
        .webp({ quality: settings.quality })
        .toBuffer({ resolveWithObject: true }),
      sharp(preview.data).resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
    ]);
    return {
      preview: { data: preview.data, width: preview.info.width, height: preview.info.height },
      thumbnail: { data: thumbnail.data, width: thumbnail.info.width, height: thumbnail.info.height },
      thumbhash: Buffer.from(rgbaToThumbHash(small.info.width, small.info.height, small.data)),
    };
  } catch (error) {
    throw classifyDecodeError(error);
  }
}

/**
 * The JPEG with an ICC profile in APP2 segments right after SOI (ICC.1 annex B.4). sharp
 * cannot take a profile with raw pixels; tagging the output keeps them exactly as decoded.
 */
export function withIccProfile(jpeg: Buffer, icc: Buffer): Buffer {
  const CHUNK = 65_519; // a segment holds 65535 bytes, less its length, signature and sequence
  const count = Math.ceil(icc.length / CHUNK);
  if (count > 255) return jpeg;
  const segments = Array.from({ length: count }, (_, i) => {
    const part = icc.subarray(i * CHUNK, (i + 1) * CHUNK);
    const header = Buffer.alloc(18);
    header.writeUInt16BE(0xffe2, 0);
    header.writeUInt16BE(16 + part.length, 2);
    header.write('ICC_PROFILE\0', 4, 'latin1');
    header[16] = i + 1;
    header[17] = count;
    return Buffer.concat([header, part]);
  });
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** libvips' messages, turned into what a user can act on. Unknown errors stay bugs. */
export function classifyDecodeError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/too large for the (JPEG|WebP) format/i.test(message)) {
    return new CorruptFile(`The picture is too long and thin for a preview (${firstLine(message)})`);
  }
  if (/unsupported image format|no decoding plugin|not a known file format|heif|compression format has not been built in/i.test(message)) {
    return new UnsupportedMedia(`This server cannot decode this image format yet (${firstLine(message)})`);
  }
  if (/pixel limit/i.test(message)) {
    return new CorruptFile('The image is larger than the pixel limit; it was not decoded (possible decompression bomb)');
  }
  if (/premature end|truncated|corrupt|bad|invalid|unexpected end|read error|improper|not enough|VipsJpeg|VipsPng|vipspng|webp|gifload|tiff|Input buffer/i.test(message)) {
    return new CorruptFile(`The image is damaged or truncated and cannot be decoded (${firstLine(message)})`);
  }
  return error instanceof Error ? error : new Error(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim().slice(0, 200);
}
