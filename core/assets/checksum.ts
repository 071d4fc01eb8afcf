import { BadRequest } from '../errors.js';

/** Immich clients send SHA-1 as 40 hex characters or as 28 base64 characters; both mean the same 20 bytes. */
export function parseSha1(value: string): Buffer {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{40}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]{27}=$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  throw new BadRequest('checksum must be a SHA-1 in hex (40 characters) or base64 (28 characters)');
}
