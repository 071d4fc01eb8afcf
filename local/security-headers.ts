import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** Headers every answer carries: no MIME sniffing, no framing by other sites, no URLs (and their link keys) in referrers. */
const EVERYWHERE: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'same-origin',
};

/**
 * Security headers for the local runtime's answers: the ones above on all of them, and on media
 * served from this origin (originals above all: a user may upload an SVG or HTML-looking file) a
 * sandboxing policy, so even opened directly they cannot run script here. A page carries the
 * policy its server gave it (site-routes.ts, from pagePolicy); one without gets the strictest.
 */
export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(EVERYWHERE)) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    if (c.res.headers.has('content-security-policy')) return;
    const type = c.res.headers.get('content-type') ?? '';
    if (type.startsWith('text/html')) c.res.headers.set('content-security-policy', pagePolicy('', []));
    else if (!type.startsWith('application/json') && !type.startsWith('text/javascript') && !type.startsWith('text/css')) {
      // Bytes (originals, thumbnails, videos): never a document that runs here.
      c.res.headers.set('content-security-policy', "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    }
  };
}

/**
 * The Content-Security-Policy of a web app page: this origin's scripts plus the exact inline
 * ones the page ships (by hash), so a stored string that slips into a page cannot run.
 * `extraOrigins` are other places the page loads from: the S3 endpoint of presigned media, the
 * configured map tile server.
 */
export function pagePolicy(html: string, extraOrigins: string[]): string {
  const others = extraOrigins.join(' ');
  const scripts = inlineScriptHashes(html).map((hash) => `'sha256-${hash}'`).join(' ');
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts}`,
    // Astro and Leaflet set style attributes; styles cannot run script.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${others}`,
    `media-src 'self' blob: ${others}`,
    `connect-src 'self' ${others}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** SHA-256 (base64) of each inline <script> in a page, as CSP hashes them. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => createHash('sha256').update(m[1]!).digest('base64'));
}
