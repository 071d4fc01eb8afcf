import type { Readable } from 'node:stream';
import type { ByteRange } from './object-store.js';

/**
 * Files of an external library, read where they are: a folder on this machine
 * (`/photos/family`) or an S3 prefix (`s3://bucket/photos/`). Read-only by design —
 * there is no method that could write, move or delete the user's files.
 */
export interface LibraryFile {
  /** Absolute path, or s3://bucket/key. */
  path: string;
  size: number;
  modifiedAt: Date;
}

export interface LibraryFiles {
  /** Whether this kind of import path can be read here, and if not, why. */
  check(importPath: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Every file under an import path, recursively, in no particular order. */
  list(importPath: string): AsyncIterable<LibraryFile>;
  stat(path: string): Promise<LibraryFile | undefined>;
  read(path: string, range?: ByteRange): Promise<Readable>;
  /** A short-lived URL to download the file directly, or undefined when the server must stream it. */
  presignGet(path: string, opts: { expiresIn: number; downloadName?: string; contentType?: string }): Promise<string | undefined>;
}
