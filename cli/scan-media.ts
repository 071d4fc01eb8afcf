import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface MediaFile {
  path: string;
  size: number;
  mtimeMs: number;
  birthtimeMs: number;
}

/** Every file under `paths` (recursively) whose extension the server accepts; hidden ones only if asked. */
export async function scanMedia(paths: string[], extensions: Set<string>, opts: { includeHidden: boolean }): Promise<MediaFile[]> {
  const found = new Map<string, MediaFile>();
  const visit = async (target: string): Promise<void> => {
    const info = await stat(target);
    if (info.isDirectory()) {
      for (const entry of await readdir(target, { withFileTypes: true })) {
        if (!opts.includeHidden && entry.name.startsWith('.')) continue;
        if (entry.isDirectory() || entry.isFile()) await visit(path.join(target, entry.name));
      }
    } else if (info.isFile() && extensions.has(path.extname(target).toLowerCase()) && info.size > 0) {
      found.set(path.resolve(target), { path: path.resolve(target), size: info.size, mtimeMs: info.mtimeMs, birthtimeMs: info.birthtimeMs });
    }
  };
  for (const p of paths) await visit(p);
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
