import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { mediaPath } from '../../test/media-samples.js';
import { assertCompleteBoxes, decodeHeif, readHeifSize, stopHeifDecoders } from './heif-decoder.js';

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
