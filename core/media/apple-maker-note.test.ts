import { readFile } from 'node:fs/promises';
import exifr from 'exifr';
import { describe, expect, it } from 'vitest';
import { mediaPath } from '../../test/media-samples.js';
import { appleContentIdentifier } from './apple-maker-note.js';

describe('Apple MakerNote', () => {
  it('finds the live photo ContentIdentifier of a real iPhone photo, and nothing where there is none', async () => {
    const note = async (name: string) => (await exifr.parse(await readFile(mediaPath(name)), { makerNote: true, mergeOutput: true }))?.makerNote;
    expect(appleContentIdentifier(await note('exif-samples__IMG_5195.HEIC'))).toBe('570F1469-09C7-4E50-9875-05F21D5BD166');
    expect(appleContentIdentifier(await note('photoprism__iphone_7.heic'))).toBeUndefined();
    expect(appleContentIdentifier(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(appleContentIdentifier(Buffer.from('Apple iOS\0\0\x01MM\xff\xff'))).toBeUndefined();
  });
});
