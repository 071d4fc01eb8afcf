import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha1, sha1OfFile } from '../site/src/lib/sha1.js';

const reference = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

describe('the browser’s streaming SHA-1 (for files too big for WebCrypto)', () => {
  it('matches Node’s SHA-1 at every padding boundary and for known vectors', () => {
    expect(new Sha1().hex()).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(new Sha1().update(new TextEncoder().encode('abc')).hex()).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    for (const size of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 100_003]) {
      const bytes = randomBytes(size);
      expect(new Sha1().update(bytes).hex(), `${size} bytes`).toBe(reference(bytes));
    }
  });

  it('gives the same digest however the bytes are cut into chunks', () => {
    const bytes = randomBytes(10_000);
    for (const chunk of [1, 7, 63, 64, 65, 4096]) {
      const hash = new Sha1();
      for (let i = 0; i < bytes.length; i += chunk) hash.update(bytes.subarray(i, i + chunk));
      expect(hash.hex(), `chunks of ${chunk}`).toBe(reference(bytes));
    }
  });

  it('hashes a file over 64 MiB by streaming it, and a small one in one piece', async () => {
    const big = randomBytes(65 * 1024 * 1024 + 3);
    expect(await sha1OfFile(new Blob([new Uint8Array(big)]))).toBe(reference(big));
    const small = randomBytes(1234);
    expect(await sha1OfFile(new Blob([new Uint8Array(small)]))).toBe(reference(small));
  });
});
