import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readMedia } from '../../test/media-samples.js';
import { developRaw, largestEmbeddedJpeg, rawPicture } from './raw-preview.js';
import type { RawImage } from './render-thumbnails.js';
import { stopWasmDecoders } from './wasm-decoders.js';

const sketch = (input: Buffer | RawImage) =>
  (Buffer.isBuffer(input) ? sharp(input) : sharp(input.pixels, { raw: { width: input.width, height: input.height, channels: input.channels } }))
    .removeAlpha()
    .resize(48, 48, { fit: 'fill' })
    .raw()
    .toBuffer();

/** The DNG with its camera previews (1024 px and 256 px) made unreadable; its lossy-JPEG sensor tiles stay. */
async function dngWithoutPreviews(): Promise<{ file: Buffer; preview: Buffer }> {
  const file = Buffer.from(await readMedia('photoprism__canon_eos_6d.dng'));
  const preview = Buffer.from(largestEmbeddedJpeg(file).data);
  for (let found = largestEmbeddedJpeg(file); found.width !== 416; found = largestEmbeddedJpeg(file)) found.data.fill(0, 0, 3);
  return { file, preview };
}

describe('RAW pictures', () => {
  afterAll(stopWasmDecoders);

  it('use the camera’s own preview when it is large enough', async () => {
    const picture = await rawPicture(await readMedia('photoprism__canon_eos_6d.dng'), 50e6);
    expect(Buffer.isBuffer(picture)).toBe(true);
    expect((await sharp(picture as Buffer).metadata()).width).toBe(1024);
  });

  it('develop the sensor data with LibRaw when there is no usable preview', async () => {
    const { file, preview } = await dngWithoutPreviews();
    const developed = (await rawPicture(file, 50e6)) as RawImage;
    expect(developed).toMatchObject({ width: 1224, height: 816, channels: 3 });
    // The same scene as the camera rendered it, within what two raw converters differ by.
    const [a, b] = [await sketch(developed), await sketch(preview)];
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    expect(sum / a.length).toBeLessThan(15);
  });

  it('fail metadata stubs and cut files with the reason, and refuse bombs', async () => {
    for (const stub of ['exiftool__Nikon.nef', 'exiftool__CanonRaw.cr2']) {
      await expect(rawPicture(await readMedia(stub), 50e6), stub).rejects.toThrow(/no embedded preview and its sensor data cannot be developed/);
    }
    const { file } = await dngWithoutPreviews();
    await expect(developRaw(file, 100_000)).rejects.toThrow(/over the limit/);
    // Over the limit, the small embedded picture is still shown rather than nothing.
    expect(Buffer.isBuffer(await rawPicture(file, 100_000))).toBe(true);
    // Cut inside the sensor tiles: LibRaw's complaints fail the decode, the small tile preview is shown instead.
    const cut = await rawPicture(file.subarray(0, Math.floor(file.length * 0.6)), 50e6);
    expect(Buffer.isBuffer(cut) || (cut as RawImage).width > 0).toBe(true);
    await expect(rawPicture(Buffer.from('II*\0 not really a raw file at all'), 50e6)).rejects.toThrow(/no embedded preview/);
  });
});
