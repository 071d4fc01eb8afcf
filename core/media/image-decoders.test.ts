import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from '../../test/media-samples.js';
import { bmpSize } from './bmp-decoder.js';
import { ffmpegPath } from './ffmpeg.js';
import { ownDecoder } from './image-decoders.js';
import { jxlSize } from './jxl-decoder.js';
import { stopWasmDecoders } from './wasm-decoders.js';

const run = promisify(execFile);

/** A bare JPEG XL codestream wrapped in the ISO-BMFF container, as cameras and exporters write it. */
function inContainer(codestream: Buffer): Buffer {
  const box = (type: string, content: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + content.length);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, content]);
  };
  return Buffer.concat([box('JXL ', Buffer.from([0x0d, 0x0a, 0x87, 0x0a])), box('ftyp', Buffer.from('jxl \0\0\0\0jxl ', 'latin1')), box('jxlc', codestream)]);
}

describe('JPEG XL', () => {
  afterAll(stopWasmDecoders);

  it('reads the size from the header, bare or in its container, and decodes in a worker', async () => {
    const jxl = await readMedia('test-assets__8bit-sRGB.jxl');
    expect(jxlSize(jxl)).toEqual({ width: 1440, height: 1080 });
    expect(jxlSize(inContainer(jxl))).toEqual({ width: 1440, height: 1080 });
    const decoder = ownDecoder('image/jxl')!;
    const image = await decoder.decode(inContainer(jxl), 50e6);
    expect(image).toMatchObject({ width: 1440, height: 1080, channels: 4 });
    expect(new Set((image as { pixels: Buffer }).pixels.subarray(0, 40_000)).size).toBeGreaterThan(50);
  });

  it('refuses bombs before decoding, and garbage or cut files with a reason', async () => {
    const jxl = await readMedia('test-assets__8bit-sRGB.jxl');
    const decoder = ownDecoder('image/jxl')!;
    await expect(decoder.decode(jxl, 1e6)).rejects.toThrow(/over the limit/);
    expect(() => jxlSize(Buffer.from('not a jpeg xl file'))).toThrow(/no codestream/);
    expect(() => jxlSize(jxl.subarray(0, 3))).toThrow(/no codestream|cut short/);
    await expect(decoder.decode(jxl.subarray(0, 100_000), 50e6)).rejects.toThrow(/JPEG XL image is damaged/);
  });
});

describe('BMP', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-bmp-'));
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  const bmp = async (pixelFormat: string) => {
    const file = path.join(work, `${pixelFormat}.bmp`);
    // Black with a red square in the top-left corner: which way up it came out is plain to see.
    const source = 'color=c=black:size=320x240,drawbox=x=0:y=0:w=40:h=40:color=red:t=fill';
    await run(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', '1', '-pix_fmt', pixelFormat, file]);
    return readFile(file);
  };

  it.each(['bgr24', 'bgra', 'pal8', 'rgb565le'])('decodes %s pictures to upright RGB', async (pixelFormat) => {
    const image = await ownDecoder('image/bmp')!.decode(await bmp(pixelFormat), 50e6);
    expect(image).toMatchObject({ width: 320, height: 240, channels: 3 });
    const pixels = (image as { pixels: Buffer }).pixels;
    const [r, g, b] = pixels.subarray(0, 3);
    expect(r).toBeGreaterThan(200);
    expect(g! + b!).toBeLessThan(40);
    expect(pixels.subarray(239 * 320 * 3, 239 * 320 * 3 + 3).reduce((a, v) => a + v, 0)).toBeLessThan(40);
  });

  it('refuses a header claiming a giant picture, and files that are not BMP', async () => {
    const giant = Buffer.from(await bmp('bgr24'));
    giant.writeInt32LE(100_000, 18);
    giant.writeInt32LE(-100_000, 22);
    expect(bmpSize(giant)).toEqual({ width: 100_000, height: 100_000 });
    await expect(ownDecoder('image/bmp')!.decode(giant, 50e6)).rejects.toThrow(/over the limit/);
    expect(() => bmpSize(Buffer.from('BM short'))).toThrow(/cut short/);
  });
});
