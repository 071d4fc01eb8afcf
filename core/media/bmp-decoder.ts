import { CorruptFile } from '../errors.js';
import { ffmpegPath, runTool, ToolFailed } from './ffmpeg.js';
import { assertWithinPixelLimit, type RawImage } from './render-thumbnails.js';

/**
 * BMP (old scanners, Windows screenshots): sharp's prebuilt libvips has no loader for it;
 * ffmpeg, shipped for video, decodes every variant (1–32 bits, RLE, OS/2) to raw RGB.
 */
export async function decodeBmp(file: Buffer, maxPixels: number): Promise<RawImage> {
  const { width, height } = bmpSize(file);
  assertWithinPixelLimit(width, height, maxPixels);
  let pixels: Buffer;
  try {
    pixels = await runTool(
      ffmpegPath(),
      ['-hide_banner', '-v', 'error', '-f', 'bmp_pipe', '-i', 'pipe:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
      { timeoutMs: 60_000, input: file, maxOutput: width * height * 3 },
    );
  } catch (error) {
    if (error instanceof ToolFailed) throw new CorruptFile(`The BMP image is damaged and cannot be decoded (${error.message})`);
    throw error;
  }
  if (pixels.length !== width * height * 3) throw new CorruptFile('The BMP image is damaged: its pixels do not fill the size its header gives');
  return { pixels, width, height, channels: 3 };
}

/** From the DIB header: BITMAPCOREHEADER (12 bytes, 16-bit sizes) or a later one (signed 32-bit; negative height = top-down). */
export function bmpSize(file: Buffer): { width: number; height: number } {
  if (file.length < 26 || file.toString('latin1', 0, 2) !== 'BM') throw new CorruptFile('The BMP file is cut short or not a BMP');
  const core = file.readUInt32LE(14) === 12;
  const width = core ? file.readUInt16LE(18) : file.readInt32LE(18);
  const height = Math.abs(core ? file.readUInt16LE(20) : file.readInt32LE(22));
  if (width <= 0 || height <= 0) throw new CorruptFile('The BMP header gives no size; the file is damaged');
  return { width, height };
}
