import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const mediaPath = (name: string) => path.join(import.meta.dirname, 'fixtures/media', name);
export const readMedia = (name: string) => readFile(mediaPath(name));
export const sha1Hex = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/**
 * A decompression bomb: a real JPEG whose frame header (SOF) is rewritten to claim
 * width × height pixels. Decoders that trust the header would allocate gigabytes.
 */
export function jpegClaimingSize(jpeg: Buffer, width: number, height: number): Buffer {
  const bomb = Buffer.from(jpeg);
  for (let i = 2; i < bomb.length - 9; ) {
    if (bomb[i] !== 0xff) throw new Error('not a JPEG marker stream');
    const marker = bomb[i + 1]!;
    const length = bomb.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      bomb.writeUInt16BE(height, i + 5);
      bomb.writeUInt16BE(width, i + 7);
      return bomb;
    }
    i += 2 + length;
  }
  throw new Error('no SOF marker found');
}

/** A real JPEG made unique by a comment segment: same picture, its own checksum. */
export function uniqueJpeg(jpeg: Buffer, tag: string): Buffer {
  const comment = Buffer.from(tag);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff]), comment]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/**
 * A JPEG of one colour with a little noise (`seed` makes each its own file): what the tiny
 * CLIP model reads as "red", "green" or "blue".
 */
export async function colourPhoto(r: number, g: number, b: number, seed: number, width = 320, height = 240): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const noise = ((i * 2654435761 + seed * 97) >>> 0) % 21 - 10;
    pixels[i * 3] = Math.max(0, Math.min(255, r + noise));
    pixels[i * 3 + 1] = Math.max(0, Math.min(255, g + noise));
    pixels[i * 3 + 2] = Math.max(0, Math.min(255, b + noise));
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

/**
 * A 640×480 photo whose face region (where the tiny detector of test/onnx-models.ts always
 * finds its face) has one colour — the tiny recognizer's notion of who it is — over a noisy background.
 */
export async function facePhoto(face: readonly [number, number, number], seed: number): Promise<Buffer> {
  const [width, height] = [640, 480];
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inFace = x >= 60 && x < 260 && y >= 20 && y < 240;
      const noise = ((i * 2654435761 + seed * 7919) >>> 0) % 17;
      pixels[i] = inFace ? face[0] : 90 + noise;
      pixels[i + 1] = inFace ? face[1] : 90 + noise;
      pixels[i + 2] = inFace ? face[2] : 90 + noise;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}
