import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { pagePolicy } from './security-headers.js';

/**
 * The web app's static build (`npm run build:site` → site/dist, done by `npm install`),
 * served at / by the local runtime as CloudFront serves it on AWS: `/x/` is `/x/index.html`,
 * hashed assets under /_astro/ are cached for good, pages are revalidated.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

export function siteRoutes(dist: string, pageOrigins: string[]) {
  // A page's policy hashes its inline scripts: worked out once per file version, not per request.
  const policies = new Map<string, { mtimeMs: number; policy: string }>();
  return new Hono().get('/*', async (c, next) => {
    const url = new URL(c.req.url);
    const wanted = decodeURIComponent(url.pathname);
    let file = path.join(dist, path.normalize(wanted));
    if (!file.startsWith(dist)) return next();
    if (wanted.endsWith('/')) file = path.join(file, 'index.html');
    const info = await stat(file).catch(() => undefined);
    // The query goes along: an identity provider's answer (?code=…&state=…) comes back to /auth/login.
    if (info?.isDirectory()) return c.redirect(`${url.pathname}/${url.search}`, 301);
    if (!info?.isFile()) return next();
    const immutable = wanted.startsWith('/_astro/');
    const bytes = await readFile(file);
    const headers: Record<string, string> = {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (file.endsWith('.html')) {
      let cached = policies.get(file);
      if (cached?.mtimeMs !== info.mtimeMs) policies.set(file, (cached = { mtimeMs: info.mtimeMs, policy: pagePolicy(bytes.toString('utf8'), pageOrigins) }));
      headers['content-security-policy'] = cached.policy;
    }
    return c.body(new Uint8Array(bytes), 200, headers);
  });
}
