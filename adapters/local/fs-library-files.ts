import { createReadStream } from 'node:fs';
import { access, constants, opendir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { LibraryFile, LibraryFiles } from '../../core/ports/library-files.js';
import type { ByteRange } from '../../core/ports/object-store.js';

/** External-library files in folders on this machine; opened read-only, never written. */
export class FsLibraryFiles implements LibraryFiles {
  /** In Immich's words, which its library settings page shows as they are. */
  async check(importPath: string) {
    if (!path.isAbsolute(importPath)) return { ok: false as const, message: `Import path must be absolute, try ${path.resolve(importPath)}` };
    try {
      if (!(await stat(importPath)).isDirectory()) return { ok: false as const, message: 'Not a directory' };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { ok: false as const, message: code === 'ENOENT' ? 'Path does not exist (ENOENT)' : `Cannot access path (${code ?? 'unknown'})` };
    }
    try {
      await access(importPath, constants.R_OK);
      return { ok: true as const };
    } catch {
      return { ok: false as const, message: 'Lacking read permission for folder' };
    }
  }

  async *list(importPath: string): AsyncIterable<LibraryFile> {
    const pending = [path.resolve(importPath)];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      let handle;
      try {
        handle = await opendir(dir);
      } catch {
        continue; // Unreadable or vanished mid-scan: its files count as missing.
      }
      for await (const entry of handle) {
        const full = path.join(dir, entry.name);
        // Symbolic links are not followed: a link cycle or a link out of the library is not the library.
        if (entry.isDirectory()) pending.push(full);
        else if (entry.isFile()) {
          const info = await this.stat(full);
          if (info) yield info;
        }
      }
    }
  }

  async stat(file: string): Promise<LibraryFile | undefined> {
    try {
      const info = await stat(file);
      return info.isFile() ? { path: file, size: info.size, modifiedAt: info.mtime } : undefined;
    } catch {
      return undefined;
    }
  }

  async read(file: string, range?: ByteRange): Promise<Readable> {
    return createReadStream(file, { flags: 'r', highWaterMark: 1024 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
  }

  async presignGet(): Promise<undefined> {
    return undefined;
  }
}
