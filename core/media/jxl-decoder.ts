import { CorruptFile } from '../errors.js';
import { topLevelBoxes } from './iso-boxes.js';
import { assertWithinPixelLimit, type RawImage } from './render-thumbnails.js';
import { decodeInWorker } from './wasm-decoders.js';

/**
 * JPEG XL: sharp's prebuilt libvips has no libjxl, so libjxl compiled to WebAssembly
 * (`@jsquash/jxl`) decodes it in a worker thread. The size is read from the codestream's
 * header first, so a bomb is refused before any pixel is allocated.
 */
export async function decodeJxl(file: Buffer, maxPixels: number): Promise<RawImage> {
  const { width, height } = jxlSize(file);
  assertWithinPixelLimit(width, height, maxPixels);
  const reply = await decodeInWorker('jxl', file, maxPixels);
  if (reply.error || !reply.pixels) throw new CorruptFile(`The JPEG XL image is damaged and cannot be decoded (${reply.error ?? 'no pixels'})`);
  // libjxl applies the orientation, so these are the upright width and height.
  return { pixels: Buffer.from(reply.pixels), width: reply.width!, height: reply.height!, channels: 4 };
}

const SIGNATURE = Buffer.from([0xff, 0x0a]);
const CONTAINER = Buffer.from([0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a]);
/** Aspect ratios a SizeHeader can name instead of storing the width (index 1–7). */
const RATIOS: Array<[number, number]> = [[1, 1], [12, 10], [4, 3], [3, 2], [16, 9], [5, 4], [2, 1]];

/** Width and height as shown (orientation applied), from the codestream's SizeHeader and ImageMetadata. */
export function jxlSize(file: Buffer): { width: number; height: number } {
  const stream = codestream(file);
  if (!stream || stream.length < 4) throw new CorruptFile('The JPEG XL file has no codestream; it is damaged or not JPEG XL');
  const bits = new BitReader(stream.subarray(2));
  const small = bits.read(1) === 1;
  const dimension = () => (small ? (bits.read(5) + 1) * 8 : bits.u32([9, 13, 18, 30]) + 1);
  const height = dimension();
  const ratio = bits.read(3);
  const width = ratio === 0 ? dimension() : Math.floor((height * RATIOS[ratio - 1]![0]) / RATIOS[ratio - 1]![1]);
  let orientation = 1;
  const allDefault = bits.read(1) === 1;
  if (!allDefault && bits.read(1) === 1) orientation = bits.read(3) + 1;
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** The bare codestream, or the one inside the ISO-BMFF container (`jxlc`, or the first `jxlp`). */
function codestream(file: Buffer): Buffer | undefined {
  if (file.subarray(0, 2).equals(SIGNATURE)) return file;
  if (!file.subarray(0, 12).equals(CONTAINER)) return undefined;
  const { boxes } = topLevelBoxes(file);
  const whole = boxes.find((b) => b.type === 'jxlc');
  if (whole) return file.subarray(whole.contentStart, whole.end);
  const part = boxes.find((b) => b.type === 'jxlp');
  return part ? file.subarray(part.contentStart + 4, part.end) : undefined;
}

/** JPEG XL's headers are bit-packed, least significant bit first. */
class BitReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  read(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++, this.at++) {
      const byte = this.bytes[this.at >> 3];
      if (byte === undefined) throw new CorruptFile('The JPEG XL header is cut short');
      value += ((byte >> (this.at & 7)) & 1) * 2 ** i;
    }
    return value;
  }

  /** The U32 field: a 2-bit selector picks how many bits the value takes. */
  u32(widths: [number, number, number, number]): number {
    return this.read(widths[this.read(2)]!);
  }
}
