import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mediaPath } from '../../test/media-samples.js';
import sharp from 'sharp';
import { assertCompleteBoxes, decodeHeif, decodeHeifForThumbnails, heifSizeFromBoxes, nativeHeifConvert, readHeifSize, stopHeifDecoders } from './heif-decoder.js';

describe('the HEIF decoder', () => {
  it('decodes an iPhone HEIC to oriented RGBA, in a worker thread', async () => {
    const file = await readFile(mediaPath('photoprism__iphone_7.heic'));
    expect(await readHeifSize(file)).toEqual({ width: 4032, height: 3024 });
    const image = await decodeHeif(file, 50e6);
    expect(image.pixels.length).toBe(4032 * 3024 * 4);
    // Not a blank frame: real pixels vary.
    expect(new Set(image.pixels.subarray(0, 40_000)).size).toBeGreaterThan(50);
    await stopHeifDecoders();
  });

  it('refuses truncated files, bombs and garbage with a reason', async () => {
    const file = await readFile(mediaPath('photoprism__iphone_7.heic'));
    expect(() => assertCompleteBoxes(file.subarray(0, 200_000))).toThrow(/truncated/);
    await expect(decodeHeif(file, 1e6)).rejects.toThrow(/pixel/);
    await expect(decodeHeif(Buffer.from('not a heif at all, just text that is long enough'), 50e6)).rejects.toThrow(/damaged|truncated/);
    await stopHeifDecoders();
  });
});

describe('HEIF sizes from the boxes', () => {
  it('reads the whole image’s extent, turned by its rotation, without a decoder', async () => {
    expect(heifSizeFromBoxes(await readFile(mediaPath('photoprism__iphone_7.heic')))).toEqual({ width: 4032, height: 3024 });
    expect(heifSizeFromBoxes(await readFile(mediaPath('exif-samples__IMG_5195.HEIC')))).toEqual({ width: 2566, height: 3313 });
    expect(heifSizeFromBoxes(await readFile(mediaPath('test-assets__samsung-one-ui-6.heic')))).toEqual({ width: 3000, height: 4000 });
    expect(heifSizeFromBoxes(Buffer.from('not a heif file at all'))).toBeUndefined();
  });
});

describe('both HEIF decoders', () => {
  it('give the same upright picture of a rotated iPhone photo (WebAssembly always; native when installed)', async () => {
    const file = await readFile(mediaPath('exif-samples__IMG_5195.HEIC'));
    const wasm = await decodeHeif(file, 50e6);
    expect([wasm.width, wasm.height]).toEqual([2566, 3313]);
    if (await nativeHeifConvert()) {
      const native = await decodeHeifForThumbnails(file, 50e6);
      expect('upright' in native).toBe(true);
      const meta = await sharp((native as { upright: Buffer }).upright).metadata();
      expect([meta.width, meta.height]).toEqual([2566, 3313]);
    }
    await stopHeifDecoders();
  });
});
