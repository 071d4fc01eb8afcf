import { Readable } from 'node:stream';
import type { ByteRange } from '../ports/object-store.js';

/** Where a media answer's bytes come from: an object in the store, or a library file. */
export interface MediaSource {
  head(): Promise<{ size: number; etag: string; lastModified: Date } | undefined>;
  read(range?: ByteRange): Promise<Readable>;
}

export interface MediaOptions {
  contentType: string;
  /** The name a download gets (UTF-8, sent per RFC 6266/5987). */
  fileName?: string;
  disposition: 'inline' | 'attachment';
  /** Derived files (thumbnails, encodings) may be cached a day; an original is revalidated each time. */
  cache: 'derived' | 'original';
}

/**
 * Media answered in place, as Immich does: 200 with the bytes, 206 for a Range, 304 when
 * If-None-Match names the current ETag, 416 for a range past the end; HEAD answers the headers.
 * Undefined when there is no such object.
 */
export async function mediaResponse(request: Request, source: MediaSource, opts: MediaOptions): Promise<Response | undefined> {
  const info = await source.head();
  if (!info) return undefined;
  const etag = `"${info.etag.replaceAll('"', '')}"`;
  const headers: Record<string, string> = {
    'content-type': opts.contentType,
    etag,
    'last-modified': info.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'cache-control': opts.cache === 'derived' ? 'private, max-age=86400, no-transform' : 'private, no-cache, no-transform',
  };
  if (opts.fileName !== undefined || opts.disposition === 'attachment') headers['content-disposition'] = contentDisposition(opts.disposition, opts.fileName);
  if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  const range = parseRange(request.headers.get('range'), info.size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${info.size}` } });
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers: { ...headers, 'content-length': String(info.size) } });
  const body = Readable.toWeb(await source.read(range)) as unknown as ReadableStream;
  if (!range) return new Response(body, { status: 200, headers: { ...headers, 'content-length': String(info.size) } });
  return new Response(body, {
    status: 206,
    headers: { ...headers, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${info.size}` },
  });
}

/** `inline; filename="Cafe_u.jpg"; filename*=UTF-8''Caf%C3%A9_%C3%BC.jpg`: an ASCII fallback and the real UTF-8 name. */
export function contentDisposition(disposition: 'inline' | 'attachment', fileName: string | undefined): string {
  if (!fileName) return disposition;
  const ascii = fileName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** One byte range ('bytes=0-99', 'bytes=100-', 'bytes=-50'); multi-range requests get the whole object. */
export function parseRange(header: string | null, size: number): ByteRange | undefined | 'unsatisfiable' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}
