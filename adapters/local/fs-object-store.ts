import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Dirent } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequest } from '../../core/errors.js';
import type { Clock } from '../../core/ports/clock.js';
import {
  ObjectNotFound,
  type ByteRange,
  type CompletedPart,
  type ObjectInfo,
  type ObjectStore,
} from '../../core/ports/object-store.js';
import { signBlobUrl, verifyBlobUrl, type SignatureCheck } from './url-signature.js';

export type ObjectCreatedListener = (key: string, info: ObjectInfo) => Promise<void>;

export interface FsObjectStoreOptions {
  root: string;
  /** Where the local server serves signed blob URLs, e.g. http://localhost:2283/_blob */
  baseUrl: string;
  secret: string;
  clock: Clock;
  /** Called after a write lands under one of `notifyPrefixes`, like an S3 bucket notification. */
  onObjectCreated?: ObjectCreatedListener;
  notifyPrefixes?: string[];
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,1023}$/;

/** Object store on a local folder, with HMAC-signed URLs verified by the local server. */
export class FsObjectStore implements ObjectStore {
  private readonly objects: string;
  private readonly multipart: string;
  private readonly tmp: string;
  onObjectCreated: ObjectCreatedListener | undefined;

  constructor(private readonly opts: FsObjectStoreOptions) {
    this.objects = path.join(opts.root, 'objects');
    this.multipart = path.join(opts.root, 'multipart');
    this.tmp = path.join(opts.root, 'tmp');
    this.onObjectCreated = opts.onObjectCreated;
  }

  /** Checks a URL this store signed (the local server calls it before serving one). */
  verifySignedUrl(method: 'GET' | 'PUT', key: string, query: Record<string, string>): SignatureCheck {
    return verifyBlobUrl(this.opts.secret, method, key, query, this.opts.clock.now());
  }

  async presignPut(key: string, opts: { expiresIn: number; contentLength?: number }): Promise<string> {
    const params: Record<string, string> = {};
    if (opts.contentLength !== undefined) params.size = String(opts.contentLength);
    return this.signedUrl('PUT', key, opts.expiresIn, params);
  }

  async presignGet(key: string, opts: { expiresIn: number; downloadName?: string; contentType?: string }): Promise<string> {
    const params: Record<string, string> = {};
    if (opts.downloadName) params.name = opts.downloadName;
    if (opts.contentType) params.type = opts.contentType;
    return this.signedUrl('GET', key, opts.expiresIn, params);
  }

  async createMultipart(key: string): Promise<string> {
    this.pathOf(key);
    const uploadId = randomUUID();
    await mkdir(path.join(this.multipart, uploadId), { recursive: true });
    await writeFile(path.join(this.multipart, uploadId, 'key'), key);
    return uploadId;
  }

  async presignPart(
    key: string,
    uploadId: string,
    partNumber: number,
    opts: { expiresIn: number; contentLength?: number },
  ): Promise<string> {
    const params: Record<string, string> = { uploadId, partNumber: String(partNumber) };
    if (opts.contentLength !== undefined) params.size = String(opts.contentLength);
    return this.signedUrl('PUT', key, opts.expiresIn, params);
  }

  /** Stores one part of a multipart upload (the local server calls it for a signed part PUT). */
  async writePart(key: string, uploadId: string, partNumber: number, body: Readable, expectedSize?: number): Promise<string> {
    const dir = await this.uploadDir(key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
      throw new BadRequest('partNumber must be an integer from 1 to 10000');
    }
    const md5 = createHash('md5');
    const temp = await this.streamToTemp(body, expectedSize, (chunk) => md5.update(chunk));
    const etag = md5.digest('hex');
    for (const old of await this.partFiles(dir, partNumber)) await rm(path.join(dir, old), { force: true });
    await rename(temp, path.join(dir, `${partNumber}.${etag}`));
    return etag;
  }

  async completeMultipart(key: string, uploadId: string, parts: CompletedPart[]): Promise<ObjectInfo> {
    const dir = await this.uploadDir(key, uploadId);
    if (parts.length === 0) throw new BadRequest('A multipart upload needs at least one part');
    const files: string[] = [];
    parts.forEach((part, index) => {
      if (index > 0 && part.partNumber <= parts[index - 1]!.partNumber) {
        throw new BadRequest('Parts must be listed in ascending partNumber order');
      }
      files.push(path.join(dir, `${part.partNumber}.${part.etag.replaceAll('"', '')}`));
    });
    const temp = path.join(this.tmp, randomUUID());
    await mkdir(this.tmp, { recursive: true });
    const out = createWriteStream(temp);
    try {
      for (const file of files) {
        await pipeline(createReadStream(file), out, { end: false }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') throw new BadRequest(`Part ${path.basename(file)} was not uploaded or its ETag differs`);
          throw error;
        });
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } catch (error) {
      out.destroy();
      await rm(temp, { force: true });
      throw error;
    }
    const info = await this.commit(temp, key);
    await rm(dir, { recursive: true, force: true });
    await this.notify(key, info);
    return info;
  }

  async abortMultipart(_key: string, uploadId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) return;
    await rm(path.join(this.multipart, uploadId), { recursive: true, force: true });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      return infoOf(await stat(this.pathOf(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number; lastModified: Date }> {
    const root = path.join(this.objects, prefix);
    let entries: Dirent[];
    try {
      entries = await readdir(root, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const info = await stat(file).catch(() => undefined);
      if (info) yield { key: path.relative(this.objects, file).split(path.sep).join('/'), size: info.size, lastModified: info.mtime };
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      // Large chunks: originals are megabytes, and every chunk is an allocation the GC must track.
      return handle.createReadStream({ highWaterMark: 1024 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFound(key);
      throw error;
    }
  }

  async write(key: string, body: Buffer | Readable, _contentType: string): Promise<ObjectInfo> {
    return this.writeSigned(key, Buffer.isBuffer(body) ? Readable.from([body]) : body);
  }

  /** Writes a signed single PUT, refusing a body whose size differs from the signed one. */
  async writeSigned(key: string, body: Readable, expectedSize?: number): Promise<ObjectInfo> {
    this.pathOf(key);
    const temp = await this.streamToTemp(body, expectedSize);
    const info = await this.commit(temp, key);
    await this.notify(key, info);
    return info;
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const to = this.pathOf(toKey);
    await mkdir(path.dirname(to), { recursive: true });
    try {
      await rename(this.pathOf(fromKey), to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFound(fromKey);
      throw error;
    }
    await this.notify(toKey, infoOf(await stat(to)));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  /** Turns a key into a path inside the store, refusing anything that could escape it. */
  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
      throw new BadRequest(`Invalid object key: ${JSON.stringify(key)}`);
    }
    return path.join(this.objects, key);
  }

  private signedUrl(method: 'GET' | 'PUT', key: string, expiresIn: number, extra: Record<string, string>): string {
    this.pathOf(key);
    const expires = String(Math.floor(this.opts.clock.now().getTime() / 1000) + expiresIn);
    const params = { ...extra, expires };
    const sig = signBlobUrl(this.opts.secret, method, key, params);
    const query = new URLSearchParams({ ...params, sig });
    return `${this.opts.baseUrl}/${key.split('/').map(encodeURIComponent).join('/')}?${query}`;
  }

  private async uploadDir(key: string, uploadId: string): Promise<string> {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new BadRequest('Unknown multipart upload');
    const dir = path.join(this.multipart, uploadId);
    const owner = await readFile(path.join(dir, 'key'), 'utf8').catch(() => undefined);
    if (owner !== key) throw new BadRequest('Unknown multipart upload for this key (aborted, completed or expired)');
    return dir;
  }

  private async partFiles(dir: string, partNumber: number): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name.startsWith(`${partNumber}.`));
  }

  /** Streams into a temp file, counting bytes; nothing is left behind when it fails. */
  private async streamToTemp(body: Readable, expectedSize?: number, onChunk?: (chunk: Buffer) => void): Promise<string> {
    await mkdir(this.tmp, { recursive: true });
    const temp = path.join(this.tmp, randomUUID());
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (expectedSize !== undefined && size > expectedSize) {
          done(new BadRequest(`Body is larger than the signed size of ${expectedSize} bytes`));
          return;
        }
        onChunk?.(chunk);
        done(null, chunk);
      },
    });
    const out = createWriteStream(temp);
    try {
      await pipeline(body, counter, out);
      if (expectedSize !== undefined && size !== expectedSize) {
        throw new BadRequest(`Body has ${size} bytes but the URL was signed for ${expectedSize}`);
      }
      return temp;
    } catch (error) {
      // The file may still be opening: removing it before the stream closes would race its creation.
      if (!out.closed) await once(out, 'close');
      await rm(temp, { force: true });
      throw error;
    }
  }

  private async commit(temp: string, key: string): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(temp, target);
    return infoOf(await stat(target));
  }

  private async notify(key: string, info: ObjectInfo): Promise<void> {
    const prefixes = this.opts.notifyPrefixes ?? [];
    if (this.onObjectCreated && prefixes.some((prefix) => key.startsWith(prefix))) {
      await this.onObjectCreated(key, info);
    }
  }
}

function infoOf(stats: { size: number; mtimeMs: number; ino: number; mtime: Date }): ObjectInfo {
  return {
    size: stats.size,
    etag: `${stats.ino.toString(16)}-${stats.size.toString(16)}-${Math.round(stats.mtimeMs * 1000).toString(16)}`,
    lastModified: stats.mtime,
  };
}
