import { PassThrough, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Hono } from 'hono';
import type { FsObjectStore } from '../adapters/local/fs-object-store.js';
import { isShoeboxError } from '../core/errors.js';
import { isStorageFull, STORAGE_FULL_MESSAGE } from '../core/http/errors.js';
import { mediaResponse } from '../core/http/media-response.js';
import { ObjectNotFound, type ByteRange } from '../core/ports/object-store.js';

/**
 * The local store's signed URLs, served like S3 serves presigned ones: PUT (whole object
 * or one multipart part) and GET with Range. The signature is the only credential.
 */
export function blobRoutes(store: FsObjectStore): Hono {
  const app = new Hono();
  const keyOf = (path: string) => decodeURIComponent(path.replace(/^\/_blob\//, ''));
  const failure = (status: 400 | 403 | 404 | 416 | 507, message: string) => Response.json({ message }, { status });

  app.on(['PUT', 'GET', 'HEAD'], '/_blob/*', async (c) => {
    const method = c.req.method === 'PUT' ? 'PUT' : 'GET';
    const key = keyOf(c.req.path);
    const query = c.req.query();
    const check = store.verifySignedUrl(method, key, query);
    if (!check.ok) {
      const messages = { missing: 'This URL is not signed', expired: 'This URL has expired; ask for a new one', invalid: 'The URL signature does not match' };
      return failure(403, messages[check.reason]);
    }
    try {
      return method === 'PUT' ? await put(c.req.raw, key, query) : await get(c.req.raw, key, query);
    } catch (error) {
      if (error instanceof ObjectNotFound) return failure(404, 'No such object');
      if (isShoeboxError(error)) return failure(400, error.message);
      if (isStorageFull(error)) return failure(507, STORAGE_FULL_MESSAGE);
      // The client went away mid-body (Ctrl-C, a dropped connection): nothing was stored.
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET' || (error as Error).message === 'aborted') {
        return failure(400, 'The upload was interrupted before all bytes arrived');
      }
      throw error;
    }
  });

  async function put(request: Request, key: string, query: Record<string, string>): Promise<Response> {
    if (!request.body) return failure(400, 'Empty body');
    const expected = query.size === undefined ? undefined : Number(query.size);
    const declared = request.headers.get('content-length');
    if (expected !== undefined && declared !== null && Number(declared) !== expected) {
      return failure(400, `Content-Length ${declared} differs from the signed size ${expected}`);
    }
    // The store reads a pass-through: when it fails (a full disk, a wrong size), the request itself
    // is left intact to be drained, so the client hears the answer instead of a reset.
    const incoming = Readable.fromWeb(request.body as WebReadableStream<Uint8Array>);
    const body = new PassThrough();
    // pipe() does not pass errors on, and an 'error' no one hears ends the process: forward it.
    incoming.on('error', (error) => body.destroy(error));
    incoming.pipe(body);
    try {
      if (query.uploadId && query.partNumber) {
        const etag = await store.writePart(key, query.uploadId, Number(query.partNumber), body, expected);
        return new Response(null, { status: 200, headers: { etag: `"${etag}"`, 'access-control-expose-headers': 'ETag' } });
      }
      const info = await store.writeSigned(key, body, expected);
      return new Response(null, { status: 200, headers: { etag: `"${info.etag}"` } });
    } catch (error) {
      incoming.unpipe(body);
      await drain(incoming);
      throw error;
    }
  }

  async function get(request: Request, key: string, query: Record<string, string>): Promise<Response> {
    const source = { head: () => store.head(key), read: (range?: ByteRange) => store.read(key, range) };
    const response = await mediaResponse(request, source, {
      contentType: query.type ?? 'application/octet-stream',
      fileName: query.name,
      disposition: query.name ? 'attachment' : 'inline',
      cache: 'derived',
    });
    return response ?? failure(404, 'No such object');
  }

  return app;
}

const MAX_DRAIN_BYTES = 256 * 1024 * 1024;

/** Reads and drops the rest of a request body (up to MAX_DRAIN_BYTES or 30 s), so the client hears the answer instead of a reset. */
async function drain(body: Readable): Promise<void> {
  let read = 0;
  const deadline = Date.now() + 30_000;
  try {
    for await (const chunk of body) {
      read += (chunk as Buffer).length;
      if (read > MAX_DRAIN_BYTES || Date.now() > deadline) break;
    }
  } catch {
    // the client went away
  }
}
