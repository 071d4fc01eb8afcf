import { randomUUID } from 'node:crypto';
import path from 'node:path';
import picomatch from 'picomatch';
import type { LibraryFileJob, LibraryScanJob } from '../../core/jobs.js';
import {
  getLibrary,
  indexedFiles,
  insertLibraryFiles,
  listLibraries,
  markFilesChanged,
  markLibraryRefreshed,
  setOffline,
  type Library,
  type NewLibraryFile,
} from '../../core/libraries/library-queries.js';
import { extensionOf, mediaTypeOfExtension } from '../../core/media/media-types.js';
import { ownStorageProblem } from '../../core/libraries/import-paths.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'library';
const BATCH = 500;

export interface ScanResult {
  added: number;
  changed: number;
  offline: number;
  restored: number;
}

/**
 * Indexes an external library in place: every supported file under its import paths
 * (minus exclusion patterns) becomes an asset; a file whose size or modification time
 * changed is read again; a file that disappeared is marked offline, and back online when it
 * returns. Files are only listed and stat'ed here — the metadata stage reads them.
 */
export async function scanLibrary(ports: Ports, libraryId: string): Promise<ScanResult> {
  const { db, libraryFiles, queue, clock } = ports;
  const library = await getLibrary(db, libraryId);
  const result: ScanResult = { added: 0, changed: 0, offline: 0, restored: 0 };
  if (!library) return result;
  const startedAt = clock.now();
  const excluded = library.exclusionPatterns.length ? picomatch(library.exclusionPatterns, { dot: true }) : () => false;
  const known = await indexedFiles(db, library.id);
  const seen = new Set<string>();
  let added: NewLibraryFile[] = [];
  let changed: Array<{ id: string; size: number; modifiedAt: Date }> = [];
  const restored: string[] = [];

  const flush = async () => {
    const inserted = await insertLibraryFiles(db, library, added);
    await markFilesChanged(db, changed);
    const jobs: LibraryFileJob[] = [
      ...added.filter((f) => inserted.has(f.id)).map((f) => ({ assetId: f.id, modifiedAt: f.modifiedAt.toISOString() })),
      ...changed.map((f) => ({ assetId: f.id, modifiedAt: f.modifiedAt.toISOString() })),
    ];
    if (jobs.length) await queue.send('metadata', jobs.map((job) => JSON.stringify(job)));
    result.added += inserted.size;
    result.changed += changed.length;
    added = [];
    changed = [];
  };

  for (const importPath of library.importPaths) {
    // A path not there now (a drive unplugged), relative, or Shoebox's own storage is skipped:
    // what was indexed under it counts as missing and goes offline until it is back.
    const check = ownStorageProblem(ports.config, importPath) ?? (await libraryFiles.check(importPath).then((c) => (c.ok ? undefined : c.message)));
    if (check) {
      ports.logger.warn('library import path skipped', { libraryId, importPath, reason: check });
      continue;
    }
    for await (const file of libraryFiles.list(importPath)) {
      if (seen.has(file.path) || excluded(file.path)) continue;
      const media = mediaTypeOfExtension(extensionOf(file.path));
      if (!media) continue;
      seen.add(file.path);
      const before = known.get(file.path);
      if (!before) {
        added.push({ id: randomUUID(), path: file.path, fileName: path.posix.basename(file.path), type: media.type, size: file.size, modifiedAt: file.modifiedAt });
      } else if (before.size !== file.size || before.mtime?.getTime() !== file.modifiedAt.getTime()) {
        changed.push({ id: before.id, size: file.size, modifiedAt: file.modifiedAt });
      } else if (before.isOffline) {
        restored.push(before.id);
      }
      if (added.length + changed.length >= BATCH) await flush();
    }
  }
  await flush();
  const missing = [...known].filter(([file, info]) => !seen.has(file) && !info.isOffline).map(([, info]) => info.id);
  await setOffline(db, missing, true);
  await setOffline(db, restored, false);
  result.offline = missing.length;
  result.restored = restored.length;
  await markLibraryRefreshed(db, library.id, startedAt);
  ports.logger.info('library scanned', { libraryId, ...result });
  return result;
}

/** Queues a scan of one library (on demand) or of all (the daily job). */
export async function requestScans(ports: Ports, libraries?: Library[]): Promise<number> {
  const all = libraries ?? (await listLibraries(ports.db));
  const requestedAt = ports.clock.now().toISOString();
  const jobs: LibraryScanJob[] = all.map((l) => ({ libraryId: l.id, requestedAt }));
  if (jobs.length) await ports.queue.send('library', jobs.map((job) => JSON.stringify(job)));
  return jobs.length;
}
