import type { Readable } from 'node:stream';
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
