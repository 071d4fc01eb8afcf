import { describe, expect, it } from 'vitest';
import { readMedia } from '../../test/media-samples.js';
import { readExif } from './read-exif.js';

describe('readExif on real files', () => {
  it('reads camera, exposure and GPS from a Nikon (DSCN0010.jpg)', async () => {
    const { exif, captureDate } = await readExif(await readMedia('exif-samples__DSCN0010.jpg'));
    expect(exif).toMatchObject({ make: 'NIKON', model: 'COOLPIX P6000', iso: 64, fNumber: 5.9, focalLength: 24, exposureTime: '1/75', orientation: 1 });
    expect(exif.latitude).toBeCloseTo(43.46745, 4);
    expect(exif.longitude).toBeCloseTo(11.88513, 4);
    expect(captureDate?.localDateTime).toBe('2008-10-22T16:28:39.000');
  });

  it('reads the lens and the GPS-derived zone from an iPhone (iphone_hdr_YES.jpg)', async () => {
    const { exif } = await readExif(await readMedia('exif-samples__iphone_hdr_YES.jpg'));
    expect(exif).toMatchObject({ make: 'Apple', lensModel: 'iPhone 6 back camera 4.15mm f/2.2', timeZone: '+02:00', exifImageWidth: 3264 });
  });

  it('reads EXIF inside a PNG (png_with_exif_and_gps.png)', async () => {
    const { exif } = await readExif(await readMedia('exifr__png_with_exif_and_gps.png'));
    expect(exif).toMatchObject({ make: 'Canon', model: 'Canon PowerShot S40', exposureTime: '1/500' });
    expect(exif.latitude).toBeCloseTo(50.2996, 3);
  });

  it('returns empty metadata for a file without EXIF, and for bytes that are not an image', async () => {
    for (const bytes of [await readMedia('exifr__noexif.jpg'), Buffer.from('hello'), Buffer.alloc(0)]) {
      const { exif, captureDate } = await readExif(bytes);
      expect(captureDate).toBeUndefined();
      expect(exif).toMatchObject({ make: null, latitude: null, description: '' });
    }
  });

  it('reads the description a camera wrote (corrupted.jpg still has intact EXIF)', async () => {
    const { exif } = await readExif(await readMedia('exif-samples__corrupted.jpg'));
    expect(exif.description).toBe('OLYMPUS DIGITAL CAMERA');
  });
});
