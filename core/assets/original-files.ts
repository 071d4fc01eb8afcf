import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from '../ports/object-store.js';
import type { Ports } from '../runtime/ports.js';
import type { Asset } from './asset.js';

/**
 * Where an asset's original bytes are: in the object store (uploads) or where the user keeps
 * them (external libraries). Stages read through here and never write or delete a library file.
 */
export function isLibraryFile(asset: Pick<Asset, 'libraryId'>): boolean {
  return asset.libraryId !== null;
}

export async function originalSize(ports: Ports, asset: Asset): Promise<number | undefined> {
  return isLibraryFile(asset) ? (await ports.libraryFiles.stat(asset.originalPath))?.size : (await ports.store.head(asset.originalPath))?.size;
}

export function readOriginal(ports: Ports, asset: Asset, range?: ByteRange): Promise<Readable> {
  return isLibraryFile(asset) ? ports.libraryFiles.read(asset.originalPath, range) : ports.store.read(asset.originalPath, range);
}

/**
 * Runs `use` with the original as a file on this machine — what ffmpeg reads. A file that
 * already lies here (a library folder's, the local store's) is used in place; a remote one
 * (S3) is copied to a temporary file first.
 * (The static ffmpeg builds cannot resolve host names, so URLs are not an option.)
 */
export async function withOriginalFile<T>(ports: Ports, asset: Asset, use: (file: string) => Promise<T>): Promise<T> {
  const local = isLibraryFile(asset) ? (path.isAbsolute(asset.originalPath) ? asset.originalPath : undefined) : ports.store.localPath?.(asset.originalPath);
  if (local) return use(local);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-original-'));
  try {
    const file = path.join(dir, `original${path.extname(asset.originalFileName).toLowerCase().replace(/[^.a-z0-9]/g, '')}`);
    await pipeline(await readOriginal(ports, asset), createWriteStream(file));
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
