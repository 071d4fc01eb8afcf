import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegClaimingSize, readMedia } from '../../test/media-samples.js';
import { CorruptFile, UnsupportedMedia } from '../errors.js';
import { DEFAULT_THUMBNAIL_SETTINGS, readImageHeader, renderThumbnails } from './render-thumbnails.js';

const settings = { ...DEFAULT_THUMBNAIL_SETTINGS, maxPixels: 16384 * 16384 };

describe('renderThumbnails', () => {
  it('makes a 250 px WebP thumbnail and a 1440 px JPEG preview (shorter side) from a 12 MP-class photo', async () => {
    const result = await renderThumbnails(await readMedia('exif-samples__iphone_hdr_YES.jpg'), settings);
    expect(result.preview).toMatchObject({ width: 1920, height: 1440 });
    expect(result.thumbnail).toMatchObject({ width: 333, height: 250 });
    expect((await sharp(result.thumbnail.data).metadata()).format).toBe('webp');
    const preview = await sharp(result.preview.data).metadata();
    expect(preview).toMatchObject({ format: 'jpeg', space: 'srgb' });
    expect(result.thumbhash.length).toBeGreaterThan(10);
  });

  it('applies EXIF orientation 6 (portrait_6.jpg is stored landscape, shown portrait)', async () => {
    const bytes = await readMedia('exif-samples__portrait_6.jpg');
    const stored = await sharp(bytes).metadata();
    expect(stored.width).toBeGreaterThan(stored.height!);
    const header = await readImageHeader(bytes, settings.maxPixels);
    expect(header.height).toBeGreaterThan(header.width);
    const result = await renderThumbnails(bytes, settings);
    expect(result.thumbnail.height).toBeGreaterThan(result.thumbnail.width);
    expect((await sharp(result.preview.data).metadata()).orientation ?? 1).toBe(1);
  });

  it('never enlarges a small image', async () => {
    const result = await renderThumbnails(await readMedia('exif-samples__Canon_40D.jpg'), settings);
    expect(result.preview).toMatchObject({ width: 100, height: 68 });
    expect(result.thumbnail).toMatchObject({ width: 100, height: 68 });
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = jpegClaimingSize(await readMedia('exif-samples__Canon_40D.jpg'), 30000, 30000);
    await expect(readImageHeader(bomb, settings.maxPixels)).rejects.toThrow(/30000×30000 pixels/);
    await expect(renderThumbnails(bomb, settings)).rejects.toBeInstanceOf(CorruptFile);
  });

  it('names a truncated JPEG as damaged', async () => {
    const photo = await readMedia('exif-samples__iphone_hdr_YES.jpg');
    await expect(renderThumbnails(photo.subarray(0, photo.length / 2), settings)).rejects.toBeInstanceOf(CorruptFile);
  });

  it('says HEIC cannot be decoded yet instead of failing obscurely', async () => {
    await expect(renderThumbnails(await readMedia('exif-samples__samplefilehub.heif'), settings)).rejects.toBeInstanceOf(UnsupportedMedia);
  });
});
