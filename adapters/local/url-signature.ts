import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures for local blob URLs: what S3's presigned URLs are to S3. The
 * signature covers the method, the key and every query parameter, so none can be changed.
 */
export function signBlobUrl(secret: string, method: 'GET' | 'PUT', key: string, params: Record<string, string>): string {
  return createHmac('sha256', secret).update(canonical(method, key, params)).digest('base64url');
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'expired' | 'invalid' };

export function verifyBlobUrl(
  secret: string,
  method: 'GET' | 'PUT',
  key: string,
  query: Record<string, string>,
  now: Date,
): SignatureCheck {
  const { sig, ...params } = query;
  if (!sig || !params.expires) return { ok: false, reason: 'missing' };
  const expected = Buffer.from(signBlobUrl(secret, method, key, params));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (Number(params.expires) * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true };
}

function canonical(method: string, key: string, params: Record<string, string>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`);
  return [method, key, ...sorted].join('\n');
}
