import type { Readable } from 'node:stream';

export interface BackupFile {
  name: string;
  size: number;
  modifiedAt: Date;
}

/** Where database backups lie: `<data>/backups/` on this machine. Names are checked by the caller. */
export interface BackupFiles {
  /** Complete backups only, newest first. */
  list(): Promise<BackupFile[]>;
  /** Written under a temporary name and renamed once whole: a cut-off write is never listed. */
  write(name: string, body: Readable): Promise<BackupFile>;
  /** Throws NotFound when there is no such backup. */
  read(name: string): Promise<Readable>;
  /** Deleting a missing backup is not an error. */
  delete(name: string): Promise<void>;
}
