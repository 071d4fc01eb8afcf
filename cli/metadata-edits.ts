import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readXmpSidecar, type SidecarReading } from '../core/media/xmp-sidecar.js';
import type { TakeoutMetadata } from './takeout/takeout-sidecar.js';

/** An asset edit (PUT /api/assets/:id body); empty when there is nothing to change. */
export type AssetEdits = Record<string, string | number | boolean | string[]>;

/** `photo.jpg.xmp` or `photo.xmp` beside a file, read and understood; undefined when there is none. */
export async function readLocalSidecar(mediaPath: string): Promise<SidecarReading | undefined> {
  const ext = path.extname(mediaPath);
  for (const candidate of [`${mediaPath}.xmp`, `${mediaPath.slice(0, mediaPath.length - ext.length)}.xmp`]) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && info.size <= 1024 * 1024) return readXmpSidecar(await readFile(candidate, 'utf8'));
  }
  return undefined;
}

/**
 * What a Takeout sidecar changes on the server. The capture time is not here: it goes in as
 * the file's time, which the server uses only when the file itself has no EXIF date — so
 * the camera's local time and zone win over Google's UTC timestamp.
 */
export function editsFromTakeout(meta: TakeoutMetadata): AssetEdits {
  return {
    ...(meta.latitude !== undefined && meta.longitude !== undefined ? { latitude: meta.latitude, longitude: meta.longitude } : {}),
    ...(meta.description ? { description: meta.description } : {}),
    ...(meta.isFavorite ? { isFavorite: true } : {}),
    ...(meta.isArchived ? { visibility: 'archive' } : {}),
  };
}
