import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFound } from '../../core/errors.js';
import type { BackupFile, BackupFiles } from '../../core/ports/backup-files.js';

const PARTIAL = '.partial';

/** Backups as files in one folder (`<data>/backups`), beside the originals and the database. */
export class FsBackupFiles implements BackupFiles {
  constructor(private readonly dir: string) {}

  async list(): Promise<BackupFile[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
    const files = await Promise.all(
      names
        .filter((name) => !name.startsWith('.'))
        .map(async (name) => {
          const info = await stat(path.join(this.dir, name)).catch(() => undefined);
          return info?.isFile() ? { name, size: info.size, modifiedAt: info.mtime } : undefined;
        }),
    );
    return files.filter((file) => file !== undefined).sort((a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || b.name.localeCompare(a.name));
  }

  async write(name: string, body: Readable): Promise<BackupFile> {
    await mkdir(this.dir, { recursive: true });
    // Hidden while it is written: list() skips dot-files.
    const partial = path.join(this.dir, `.${randomUUID()}${PARTIAL}`);
    try {
      await pipeline(body, createWriteStream(partial, { flags: 'wx', mode: 0o600 }));
      await rename(partial, path.join(this.dir, name));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const info = await stat(path.join(this.dir, name));
    return { name, size: info.size, modifiedAt: info.mtime };
  }

  async read(name: string): Promise<Readable> {
    const file = path.join(this.dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new NotFound(`No backup named ${name}`);
    return createReadStream(file);
  }

  async delete(name: string): Promise<void> {
    await rm(path.join(this.dir, name), { force: true });
  }
}
