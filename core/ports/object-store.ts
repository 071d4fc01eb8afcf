import type { Readable } from 'node:stream';
import { NotFound } from '../errors.js';

export interface ObjectInfo {
  size: number;
  /** Opaque version tag: changes whenever the bytes change. */
  etag: string;
  lastModified: Date;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP Range. */
  end: number;
}

/**
 * Bytes by key. Keys are '/'-separated and built by Shoebox, never taken from users.
 * Writes that land under a notified prefix (originals/) raise an ObjectCreated event:
 * S3 does it with a bucket notification, the local store with a callback.
 */
export interface ObjectStore {
  presignPut(key: string, opts: { expiresIn: number; contentLength?: number }): Promise<string>;
  presignGet(key: string, opts: { expiresIn: number; downloadName?: string; contentType?: string }): Promise<string>;
  createMultipart(key: string): Promise<string>;
  presignPart(key: string, uploadId: string, partNumber: number, opts: { expiresIn: number; contentLength?: number }): Promise<string>;
  completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<ObjectInfo>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with `prefix` (a folder: ends in '/'), in no particular order; for the integrity check. */
  list(prefix: string): AsyncIterable<{ key: string; size: number; lastModified: Date }>;
  /** Throws ObjectNotFound when the key does not exist. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Where the object lies on this machine, for tools that read files (ffmpeg); only ever read. Absent for remote stores. */
  localPath?(key: string): string;
  write(key: string, body: Buffer | Readable, contentType: string): Promise<ObjectInfo>;
  /** Rename within the store; raises ObjectCreated for the destination like a write. */
  move(fromKey: string, toKey: string): Promise<void>;
  /** Deleting a missing key is not an error (as in S3). */
  delete(key: string): Promise<void>;
}

export class ObjectNotFound extends NotFound {
  constructor(key: string) {
    super(`Object not found: ${key}`);
  }
}

/** Collects a stream into one buffer, refusing to hold more than `maxBytes`. */
export async function readAll(stream: Readable, maxBytes = Number.MAX_SAFE_INTEGER): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buf.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new Error(`Object larger than ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks, total);
}
