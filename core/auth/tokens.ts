import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret (session token or API key): 256 random bits; only its SHA-256 is stored. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
