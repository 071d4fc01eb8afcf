/**
 * Where bytes live in the object store. Keys are built from ids only — a client's file
 * name never becomes a path — and fan out by id prefix so no folder grows huge.
 */
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ORIGINAL_KEY = new RegExp(`^originals/(${UUID})/[0-9a-f]{2}/[0-9a-f]{2}/(${UUID})(\\.[a-z0-9]{1,8})?$`);

export const ORIGINALS_PREFIX = 'originals/';

export function originalKey(ownerId: string, assetId: string, ext: string): string {
  return `${ORIGINALS_PREFIX}${ownerId}/${fanOut(assetId)}/${assetId}${/^\.[a-z0-9]{1,8}$/.test(ext) ? ext : ''}`;
}

export function derivedKey(ownerId: string, assetId: string, kind: string, ext: string): string {
  return `derived/${ownerId}/${fanOut(assetId)}/${assetId}-${kind}.${ext}`;
}

/** Where Immich-style multipart POSTs land before their checksum is known. Not notified. */
export function stagingKey(id: string): string {
  return `staging/${id}`;
}

export function parseOriginalKey(key: string): { ownerId: string; assetId: string } | undefined {
  const match = ORIGINAL_KEY.exec(key);
  return match ? { ownerId: match[1]!, assetId: match[2]! } : undefined;
}

function fanOut(id: string): string {
  return `${id.slice(0, 2)}/${id.slice(2, 4)}`;
}
