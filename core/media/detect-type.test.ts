import { describe, expect, it } from 'vitest';
import { readMedia } from '../../test/media-samples.js';
import sharp from 'sharp';
import { DETECTION_BYTES, detectMediaType } from './detect-type.js';

describe('detectMediaType reads magic bytes, not extensions', () => {
  const cases: Array<[string, string, { type: string; mime: string }]> = [
    ['exif-samples__Canon_40D.jpg', 'photo.jpg', { type: 'IMAGE', mime: 'image/jpeg' }],
    ['exif-samples__Canon_40D.jpg', 'photo.png', { type: 'IMAGE', mime: 'image/jpeg' }],
    ['exifr__png_with_exif_and_gps.png', 'x.png', { type: 'IMAGE', mime: 'image/png' }],
    ['exif-samples__samplefilehub.heif', 'x.heif', { type: 'IMAGE', mime: 'image/heic' }],
    ['photoprism__isom-avc1.mp4', 'clip.mp4', { type: 'VIDEO', mime: 'video/mp4' }],
    ['photoprism__isom-avc1.mp4', 'clip.mov', { type: 'VIDEO', mime: 'video/quicktime' }],
  ];
  it.each(cases)('%s named %s', async (file, name, expected) => {
    expect(await detectMediaType(await readMedia(file), name)).toEqual({ ok: true, ...expected });
  });

  it('knows a TIFF whose directory comes after its pixels (libvips, scanners) by its first bytes', async () => {
    const tiff = await sharp(await readMedia('exif-samples__DSCN0010.jpg')).tiff().toBuffer();
    const head = tiff.subarray(0, DETECTION_BYTES);
    expect(await detectMediaType(head, 'scan.tif')).toEqual({ ok: true, type: 'IMAGE', mime: 'image/tiff' });
    expect(await detectMediaType(head, 'IMG_1.NEF')).toEqual({ ok: true, type: 'IMAGE', mime: 'image/x-nikon-nef' });
  });

  it('rejects text, PDFs and empty files with a reason', async () => {
    const text = await detectMediaType(Buffer.from('just some words in a text file'), 'notes.jpg');
    expect(text).toMatchObject({ ok: false, reason: expect.stringMatching(/not a supported image or video/) });
    const pdf = await detectMediaType(Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'scan.jpg');
    expect(pdf).toMatchObject({ ok: false, reason: expect.stringMatching(/application\/pdf/) });
    expect(await detectMediaType(Buffer.alloc(0), 'x.jpg')).toMatchObject({ ok: false, reason: expect.stringMatching(/empty/) });
  });
});
