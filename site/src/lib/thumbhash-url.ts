import { thumbHashToDataURL } from 'thumbhash';

/** The blurred placeholder a thumbhash stands for (base64 from the API), as a data URL; cached. */
const cache = new Map<string, string>();

export function thumbhashUrl(hash: string | null): string | undefined {
  if (!hash) return undefined;
  let url = cache.get(hash);
  if (!url) {
    url = thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
    cache.set(hash, url);
  }
  return url;
}
