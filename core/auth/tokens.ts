import { createHash, randomBytes } from 'node:crypto';

/**
 * A bearer secret (session token or API key): 256 random bits; only its SHA-256 is stored.
 * Never starting with '-': pasted after a command, it would be read as an option.
 */
export function newSecret(): string {
  for (;;) {
    const secret = randomBytes(32).toString('base64url');
    if (secret[0] !== '-') return secret;
  }
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
