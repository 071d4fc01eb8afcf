import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mediaPath } from '../../test/media-samples.js';
import { embeddedMotionVideo } from './motion-photo.js';

describe('motion photos', () => {
  it('finds the MP4 inside a Samsung motion HEIC (ente-io sample: bytes 1455411 to the end)', async () => {
    const file = await readFile(mediaPath('test-fixtures__motionphoto.heic'));
    const video = embeddedMotionVideo(file)!;
    expect(video.toString('latin1', 4, 12)).toBe('ftypmp42');
    expect(file.length - video.length).toBe(1455411);
  });

  it('finds the MP4 appended to a JPEG, by its XMP length or by its ftyp box', () => {
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(2000, 7)]);
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0, 10, 0, 0, 0, 0, 0, 0, 0xff, 0xd9]);
    const xmp = Buffer.from(`<x:xmpmeta><rdf:Description GCamera:MicroVideo="1" GCamera:MicroVideoOffset="${mp4.length}"/></x:xmpmeta>`);
    const google = Buffer.concat([jpeg.subarray(0, 2), xmp, jpeg.subarray(2), mp4]);
    expect(createHash('sha1').update(embeddedMotionVideo(google)!).digest('hex')).toBe(createHash('sha1').update(mp4).digest('hex'));
    expect(embeddedMotionVideo(Buffer.concat([jpeg, mp4]))!.equals(mp4)).toBe(true);
  });

  it('finds nothing in ordinary photos (ente-io samples), and refuses a lying XMP length', async () => {
    for (const name of ['test-fixtures__pixel_8.jpg', 'test-fixtures__normalphoto.jpg', 'photoprism__iphone_7.heic']) {
      expect(embeddedMotionVideo(await readFile(mediaPath(name))), name).toBeUndefined();
    }
    const lying = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('GCamera:MicroVideoOffset="5000"'), Buffer.alloc(6000, 1)]);
    expect(embeddedMotionVideo(lying)).toBeUndefined();
  });
});
