import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mediaPath } from '../../test/media-samples.js';
import sharp from 'sharp';
import { assertCompleteBoxes, decodeHeif, decodeHeifForThumbnails, decodeHevcTiles, decodeWithHeifConvert, heifSizeFromBoxes, nativeHeifConvert, readHeifSize } from './heif-decoder.js';
import { stopWasmDecoders } from './wasm-decoders.js';
import { readHevcPicture } from './heif-items.js';
import { DEFAULT_THUMBNAIL_SETTINGS, renderThumbnails, type RawImage } from './render-thumbnails.js';

/** A 48×48 RGB sketch of a decoded picture, to compare two decoders' output. */
const sketch = (image: RawImage) =>
  sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: image.channels } }).removeAlpha().resize(48, 48, { fit: 'fill' }).raw().toBuffer();

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('the HEIF decoder', () => {
  it('decodes an iPhone HEIC to oriented RGBA, in a worker thread', async () => {
    const file = await readFile(mediaPath('photoprism__iphone_7.heic'));
    expect(await readHeifSize(file)).toEqual({ width: 4032, height: 3024 });
    const image = await decodeHeif(file, 50e6);
    expect(image.pixels.length).toBe(4032 * 3024 * 4);
    // Not a blank frame: real pixels vary.
    expect(new Set(image.pixels.subarray(0, 40_000)).size).toBeGreaterThan(50);
    await stopWasmDecoders();
  });

  it('refuses truncated files, bombs and garbage with a reason', async () => {
    const file = await readFile(mediaPath('photoprism__iphone_7.heic'));
    expect(() => assertCompleteBoxes(file.subarray(0, 200_000))).toThrow(/truncated/);
    await expect(decodeHeif(file, 1e6)).rejects.toThrow(/pixel/);
    await expect(decodeHeif(Buffer.from('not a heif at all, just text that is long enough'), 50e6)).rejects.toThrow(/damaged|truncated/);
    await stopWasmDecoders();
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
    const tool = await nativeHeifConvert();
    if (tool) {
      const native = await decodeWithHeifConvert(tool, file, 50e6);
      const meta = await sharp(native.upright).metadata();
      expect([meta.width, meta.height]).toEqual([2566, 3313]);
    }
    await stopWasmDecoders();
  });
});

describe('HEVC tiles decoded by ffmpeg', () => {
  it.each([
    ['photoprism__iphone_7.heic', 4032, 3024], // 8×6 grid, Display P3 profile
    ['exif-samples__IMG_5195.HEIC', 2566, 3313], // odd sizes: the grid is cropped
    ['test-assets__samsung-one-ui-6.heic', 3000, 4000], // turned a quarter by irot
    ['exif-samples__HMD_Nokia_8.3_5G_hdr.heif', 4608, 3456],
    ['exif-samples__samplefilehub.heif', 640, 426], // one HEVC image, no grid
  ])('give the picture libheif gives for %s', async (name, width, height) => {
    const file = await readFile(mediaPath(name));
    const fast = await decodeHevcTiles(file, 50e6);
    expect(fast).toBeDefined();
    expect([fast!.width, fast!.height, fast!.channels]).toEqual([width, height, 3]);
    const reference = await decodeHeif(file, 50e6);
    // Same picture, same way up: a wrong tile order, turn or crop would differ by tens of levels.
    expect(meanDifference(await sketch(fast!), await sketch(reference))).toBeLessThan(2.5);
    await stopWasmDecoders();
  });

  it('keeps the iPhone’s Display P3 profile with the pixels', async () => {
    const fast = await decodeHevcTiles(await readFile(mediaPath('photoprism__iphone_7.heic')), 50e6);
    expect(fast!.icc?.toString('latin1')).toMatch(/Display P3/);
    const { preview, thumbnail } = await renderThumbnails(fast!, { ...DEFAULT_THUMBNAIL_SETTINGS, maxPixels: 50e6 });
    const tagged = await sharp(preview.data).metadata();
    expect(tagged.icc?.equals(fast!.icc!)).toBe(true);
    expect([preview.width, preview.height]).toEqual([1920, 1440]);
    expect(thumbnail.height).toBe(250);
  });

  it('checks the pixel limit before decoding, and leaves what it cannot read to libheif', async () => {
    const file = await readFile(mediaPath('photoprism__iphone_7.heic'));
    await expect(decodeHevcTiles(file, 1e6)).rejects.toThrow(/over the limit/);
    await expect(decodeHeifForThumbnails(file, 1e6)).rejects.toThrow(/over the limit/);
    expect(readHevcPicture(Buffer.from('not a heif file at all'))).toBeUndefined();
    expect(await decodeHevcTiles(await readFile(mediaPath('exif-samples__DSCN0010.jpg')), 50e6)).toBeUndefined();
    // A meta box whose item locations point past the end: not decoded here, no crash.
    const damaged = Buffer.from(file);
    const iloc = damaged.indexOf('iloc', 0, 'latin1');
    damaged.fill(0xff, iloc + 12, iloc + 40);
    await expect(decodeHevcTiles(damaged, 50e6)).resolves.toBeUndefined();
    await expect(decodeHeifForThumbnails(damaged, 50e6)).rejects.toThrow(/damaged|truncated/);
    await stopWasmDecoders();
  });
});
