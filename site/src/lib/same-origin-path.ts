/**
 * Where to go after logging in: `next` only when it is a path on this site. Anything else —
 * `javascript:…`, `https://elsewhere`, `//elsewhere`, `/\elsewhere`, control characters —
 * becomes the timeline, so a crafted login link can neither run script here nor lead away.
 */
export function sameOriginPath(next: string | null | undefined, origin = location.origin): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || /[\\\u0000-\u001f]/.test(next)) return '/';
  try {
    const url = new URL(next, origin);
    return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
