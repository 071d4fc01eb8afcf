import type { BackupFiles } from '../ports/backup-files.js';
import type { ObjectStore } from '../ports/object-store.js';

/**
 * Immich's "detect existing install" for its first-run restore: what each storage folder holds
 * and whether the server can read and write there. Shoebox's folders are its store's prefixes
 * (uploads by id, derived files, profile pictures) and its backups folder; external libraries
 * are read where they lie and never written, so they report no files of their own.
 */
const FOLDERS = [
  ['upload', 'originals/'],
  // Thumbnails and encoded videos share the derived folder: its files are counted under thumbs.
  ['thumbs', 'derived/'],
  ['encoded-video', undefined],
  ['profile', 'profile/'],
] as const;

async function countFiles(store: ObjectStore, prefix: string): Promise<number | undefined> {
  let files = 0;
  try {
    for await (const _object of store.list(prefix)) files++;
    return files;
  } catch {
    return undefined;
  }
}

/** One write and delete in the derived folder (no stage listens there): the store is one place, so it answers for all. */
async function storeWritable(store: ObjectStore): Promise<boolean> {
  const key = 'derived/shoebox-write-check';
  try {
    await store.write(key, Buffer.from('ok'), 'text/plain');
    await store.delete(key);
    return true;
  } catch {
    return false;
  }
}

export async function detectPriorInstall(store: ObjectStore, backups: BackupFiles | undefined) {
  const writable = await storeWritable(store);
  const storage = [];
  for (const [folder, prefix] of FOLDERS) {
    const files = prefix ? await countFiles(store, prefix) : 0;
    storage.push({ folder, files: files ?? 0, readable: files !== undefined, writable });
  }
  storage.push({ folder: 'library', files: 0, readable: true, writable: false });
  const backupList = backups ? await backups.list().catch(() => undefined) : undefined;
  storage.push({ folder: 'backups', files: backupList?.length ?? 0, readable: backupList !== undefined, writable: backups !== undefined });
  return { storage };
}
