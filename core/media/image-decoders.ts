import { bmpSize, decodeBmp } from './bmp-decoder.js';
import { decodeHeifForThumbnails, readHeifSize } from './heif-decoder.js';
import { decodeJxl, jxlSize } from './jxl-decoder.js';
import type { RawImage, UprightImage } from './render-thumbnails.js';

/**
 * Image formats sharp's prebuilt libvips cannot read, each with a decoder of its own: the
 * metadata stage asks them for the size, the thumbnail stage for upright pixels.
 */
export interface ImageDecoder {
  format: string;
  /** Width and height as shown, from the file's headers: no pixels decoded. */
  size(file: Buffer): Promise<{ width: number; height: number }>;
  decode(file: Buffer, maxPixels: number): Promise<RawImage | UprightImage>;
}

const heif: ImageDecoder = { format: 'heif', size: readHeifSize, decode: decodeHeifForThumbnails };
const DECODERS: Record<string, ImageDecoder> = {
  'image/heic': heif,
  'image/heif': heif,
  'image/jxl': { format: 'jxl', size: async (file) => jxlSize(file), decode: decodeJxl },
  'image/bmp': { format: 'bmp', size: async (file) => bmpSize(file), decode: decodeBmp },
};

export function ownDecoder(mime: string | null): ImageDecoder | undefined {
  return mime ? DECODERS[mime] : undefined;
}
