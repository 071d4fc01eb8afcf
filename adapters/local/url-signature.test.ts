import { describe, expect, it } from 'vitest';
import { signBlobUrl, verifyBlobUrl } from './url-signature.js';

const secret = 's'.repeat(32);
const now = new Date('2026-01-01T00:00:00Z');
const expires = String(now.getTime() / 1000 + 60);

describe('signed blob URLs', () => {
  const sig = signBlobUrl(secret, 'PUT', 'originals/a/b.jpg', { expires, size: '10' });

  it('accepts the URL as signed', () => {
    expect(verifyBlobUrl(secret, 'PUT', 'originals/a/b.jpg', { expires, size: '10', sig }, now)).toEqual({ ok: true });
  });

  it.each([
    ['another key', 'PUT', 'originals/a/c.jpg', { expires, size: '10', sig }, 'invalid'],
    ['another method', 'GET', 'originals/a/b.jpg', { expires, size: '10', sig }, 'invalid'],
    ['a changed parameter', 'PUT', 'originals/a/b.jpg', { expires, size: '11', sig }, 'invalid'],
    ['an added parameter', 'PUT', 'originals/a/b.jpg', { expires, size: '10', partNumber: '1', sig }, 'invalid'],
    ['a removed parameter', 'PUT', 'originals/a/b.jpg', { expires, sig }, 'invalid'],
    ['no signature', 'PUT', 'originals/a/b.jpg', { expires, size: '10' }, 'missing'],
    ['a truncated signature', 'PUT', 'originals/a/b.jpg', { expires, size: '10', sig: sig.slice(0, 10) }, 'invalid'],
  ] as const)('rejects %s', (_name, method, key, query, reason) => {
    expect(verifyBlobUrl(secret, method, key, query as Record<string, string>, now)).toEqual({ ok: false, reason });
  });

  it('rejects another secret and an expired time', () => {
    expect(verifyBlobUrl('t'.repeat(32), 'PUT', 'originals/a/b.jpg', { expires, size: '10', sig }, now)).toMatchObject({ ok: false });
    const later = new Date(now.getTime() + 61_000);
    expect(verifyBlobUrl(secret, 'PUT', 'originals/a/b.jpg', { expires, size: '10', sig }, later)).toEqual({ ok: false, reason: 'expired' });
  });
});
