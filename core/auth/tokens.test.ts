import { describe, expect, it } from 'vitest';
import { hashSecret, newSecret } from './tokens.js';

describe('secrets', () => {
  it('are 256 random bits in URL-safe text that never starts with "-" (a shell would read an option)', () => {
    const secrets = Array.from({ length: 2000 }, newSecret);
    expect(new Set(secrets).size).toBe(2000);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    }
    expect(hashSecret(secrets[0]!)).toHaveLength(32);
  });
});
