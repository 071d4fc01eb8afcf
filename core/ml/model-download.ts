import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFound, readAll, type ObjectStore } from '../ports/object-store.js';
import { PACK_FILES, packDir, type PackKind } from './model-packs.js';

/**
 * Fetches model packs into the cache, only when asked (`npm run models`, or start-up with
 * SHOEBOX_MODEL_DOWNLOAD=true): every file checked against its published checksum, each
 * download resumable (`<file>.partial` + an HTTP Range request), written in place only once
 * it checks out. Sources, all in Immich's layout:
 *   https://huggingface.co/<org>  Immich's own repositories (checksums from the Hub's listing)
 *   http(s)://mirror/base         <base>/<kind>/<name>/<file>, with <base>/<kind>/<name>/SHA256SUMS
 *   /a/folder or file:///a/folder the same layout on disk (SHA256SUMS checked when present)
 *   s3://bucket/prefix            the same layout in a bucket
 *   store:<prefix>                the app's own object store (Lambda: the derived bucket)
 */
export interface PackFile {
  path: string;
  /** Hex digest; `git-sha1` is the Hub's blob id for files not in LFS. */
  checksum?: { kind: 'sha256' | 'git-sha1'; hex: string };
  size?: number;
}

export interface Source {
  describe: string;
  list(kind: PackKind, name: string): Promise<PackFile[]>;
  /** The file's bytes from `offset`; `resumed` says whether the source honoured the offset. */
  open(kind: PackKind, name: string, file: string, offset: number): Promise<{ body: Readable; resumed: boolean; total?: number }>;
}

export type Progress = (event: { file: string; received: number; total: number | undefined; done?: boolean; skipped?: boolean }) => void;

export class DownloadFailed extends Error {}

/** Whether a file of the listing belongs in the cache: what the pack needs, and its small config files. */
function wanted(kind: PackKind, file: string): boolean {
  return PACK_FILES[kind].includes(file) || (/\.(json|txt)$/.test(file) && !file.includes('/fp16/') && file.split('/').length <= 2);
}

export async function downloadPack(source: Source, cache: string, kind: PackKind, name: string, progress: Progress = () => {}): Promise<string[]> {
  const dir = packDir(cache, kind, name);
  const all = await source.list(kind, name);
  const hostile = all.find((f) => path.isAbsolute(f.path) || f.path.split('/').includes('..'));
  if (hostile) throw new DownloadFailed(`${source.describe} lists ${hostile.path}, outside the pack: refused`);
  const listing = all.filter((f) => wanted(kind, f.path));
  const missing = PACK_FILES[kind].filter((required) => !listing.some((f) => f.path === required));
  if (missing.length) throw new DownloadFailed(`${source.describe} has no ${kind} pack "${name}" (missing ${missing.join(', ')})`);
  const fetched: string[] = [];
  for (const file of listing) {
    const target = path.join(dir, file.path);
    if (await verified(target, file)) {
      progress({ file: file.path, received: file.size ?? 0, total: file.size, done: true, skipped: true });
      continue;
    }
    await fetchFile(source, kind, name, file, target, progress);
    fetched.push(file.path);
  }
  return fetched;
}

async function verified(target: string, file: PackFile): Promise<boolean> {
  const size = await stat(target).then((s) => s.size, () => undefined);
  if (size === undefined || (file.size !== undefined && size !== file.size)) return false;
  return !file.checksum || (await digest(target, file.checksum.kind, size)) === file.checksum.hex;
}

async function fetchFile(source: Source, kind: PackKind, name: string, file: PackFile, target: string, progress: Progress): Promise<void> {
  const partial = `${target}.partial`;
  await mkdir(path.dirname(target), { recursive: true });
  let offset = await stat(partial).then((s) => s.size, () => 0);
  if (file.size !== undefined && offset > file.size) offset = 0;
  const { body, resumed, total } = await source.open(kind, name, file.path, offset);
  if (!resumed) offset = 0;
  const size = file.size ?? (total === undefined ? undefined : total + offset);
  let received = offset;
  let last = 0;
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (Date.now() - last > 100) {
      last = Date.now();
      progress({ file: file.path, received, total: size });
    }
  });
  await pipeline(body, createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' }));
  const written = (await stat(partial)).size;
  if (size !== undefined && written !== size) {
    // Cut short without an error from the source: keep the part, the next run resumes it.
    throw new DownloadFailed(`${file.path}: got ${written} of ${size} bytes; run again to resume`);
  }
  if (file.checksum) {
    const actual = await digest(partial, file.checksum.kind, written);
    if (actual !== file.checksum.hex) {
      await rm(partial, { force: true });
      throw new DownloadFailed(`${file.path}: checksum mismatch (expected ${file.checksum.hex}, got ${actual}); the download was discarded`);
    }
  }
  await rename(partial, target);
  progress({ file: file.path, received: written, total: written, done: true });
}

async function digest(file: string, kind: 'sha256' | 'git-sha1', size: number): Promise<string> {
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') hash.update(`blob ${size}\0`);
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** `sha256sum` output: "<hex>  <path>" per line. */
export function parseSha256Sums(text: string): PackFile[] {
  return text
    .split('\n')
    .map((line) => /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: m[2]!.replace(/^\.\//, ''), checksum: { kind: 'sha256', hex: m[1]! } }));
}

// ---- sources ----

/** A source from its spec; `store:<prefix>` and `s3://…` need the object store that holds them. */
export function sourceFor(spec: string, store?: ObjectStore): Source {
  if (spec.startsWith('store:') || spec.startsWith('s3://')) {
    if (!store) throw new Error(`The model source ${spec} needs an object store`);
    return storeSource(store, spec.startsWith('s3://') ? new URL(spec).pathname.replace(/^\//, '') : spec.slice('store:'.length), spec);
  }
  if (/^https:\/\/huggingface\.co\/[\w.-]+\/?$/.test(spec)) return hubSource(spec.replace(/\/$/, ''));
  if (/^https?:\/\//.test(spec)) return mirrorSource(spec.replace(/\/$/, ''));
  return folderSource(spec.startsWith('file://') ? new URL(spec).pathname : path.resolve(spec));
}

async function httpOpen(url: string, offset: number): Promise<{ body: Readable; resumed: boolean; total?: number }> {
  const response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
  if (response.status !== 200 && response.status !== 206) throw new DownloadFailed(`${url}: HTTP ${response.status}`);
  const length = response.headers.get('content-length');
  return { body: Readable.fromWeb(response.body as never), resumed: response.status === 206, total: length ? Number(length) : undefined };
}

async function httpText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new DownloadFailed(`${url}: HTTP ${response.status}`);
  return response.text();
}

function mirrorSource(base: string): Source {
  return {
    describe: base,
    list: async (kind, name) => parseSha256Sums(await httpText(`${base}/${kind}/${name}/SHA256SUMS`)),
    open: (kind, name, file, offset) => httpOpen(`${base}/${kind}/${name}/${file}`, offset),
  };
}

const HubTree = (json: unknown) =>
  (json as Array<{ type: string; path: string; size: number; oid: string; lfs?: { oid: string; size: number } }>).filter((e) => e.type === 'file');

/** Immich publishes each pack as a Hugging Face repository, <org>/<name>, in this layout. */
function hubSource(base: string): Source {
  const org = base.split('/').pop()!;
  return {
    describe: base,
    async list(_kind, name) {
      const tree = HubTree(JSON.parse(await httpText(`https://huggingface.co/api/models/${org}/${name}/tree/main?recursive=true`)));
      return tree.map((e) => ({
        path: e.path,
        size: e.lfs?.size ?? e.size,
        checksum: e.lfs ? { kind: 'sha256', hex: e.lfs.oid } : { kind: 'git-sha1', hex: e.oid },
      }));
    },
    open: (_kind, name, file, offset) => httpOpen(`${base}/${name}/resolve/main/${file}`, offset),
  };
}

function folderSource(root: string): Source {
  return {
    describe: root,
    async list(kind, name) {
      const dir = path.join(root, kind, name);
      const sums = await readFile(path.join(dir, 'SHA256SUMS'), 'utf8').catch(() => undefined);
      if (sums) return parseSha256Sums(sums);
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => ({ path: path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/') }));
    },
    async open(kind, name, file, offset) {
      const full = path.join(root, kind, name, file);
      const size = (await stat(full)).size;
      return { body: createReadStream(full, { start: offset }), resumed: true, total: size - offset };
    },
  };
}

/** A prefix of the object store (on AWS the derived bucket's `derived/models`, which Lambda reads at a cold start). */
export function storeSource(store: ObjectStore, prefix: string, describe = `store:${prefix}`): Source {
  const key = (...parts: string[]) => [prefix.replace(/\/$/, ''), ...parts].filter(Boolean).join('/');
  const get = async (k: string, range?: { start: number; end: number }) => {
    try {
      return await store.read(k, range);
    } catch (error) {
      if (error instanceof ObjectNotFound) throw new DownloadFailed(`${describe}: ${k} not found`);
      throw error;
    }
  };
  return {
    describe,
    list: async (kind, name) => parseSha256Sums((await readAll(await get(key(kind, name, 'SHA256SUMS')), 1024 * 1024)).toString('utf8')),
    async open(kind, name, file, offset) {
      const size = (await store.head(key(kind, name, file)))?.size;
      if (size === undefined) throw new DownloadFailed(`${describe}: ${key(kind, name, file)} not found`);
      if (offset > 0 && offset < size) return { body: await get(key(kind, name, file), { start: offset, end: size - 1 }), resumed: true, total: size - offset };
      return { body: await get(key(kind, name, file)), resumed: false, total: size };
    },
  };
}
