import { open, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addToNamedAlbums } from './album-membership.js';
import { forEachConcurrently } from './for-each-concurrently.js';
import { sha1File } from './hash-file.js';
import { editFromSidecar } from '../core/media/xmp-sidecar.js';
import { readLocalSidecar } from './metadata-edits.js';
import { formatBytes, Progress } from './progress.js';
import { scanMedia, type MediaFile } from './scan-media.js';
import type { ServerClient, UploadTicket } from './server-client.js';
import type { UploadJournal } from './upload-journal.js';

export interface UploadOptions {
  concurrency: number;
  /** Put every file in this album (created when missing). */
  album?: string;
  /** Put every file in an album named after its folder. */
  albumFromFolder?: boolean;
  dryRun: boolean;
  deleteAfter: boolean;
  includeHidden: boolean;
  progress: boolean;
}

export interface UploadSummary {
  found: number;
  uploaded: number;
  duplicates: number;
  alreadyUploaded: number;
  failed: Array<{ path: string; reason: string }>;
  bytesSent: number;
  resumedParts: number;
  sidecars: number;
  albums: number;
}

const CHECK_BATCH = 1000;
const PART_TRIES = 3;

/**
 * `shoebox upload`: find the media, skip what the journal says was sent, hash the rest,
 * ask the server in bulk which it already has, and send only new bytes — straight to
 * storage through presigned URLs, several files at a time, big ones in parts.
 */
export async function uploadPaths(client: ServerClient, journal: UploadJournal, paths: string[], opts: UploadOptions): Promise<UploadSummary> {
  const types = await client.mediaTypes();
  const files = await scanMedia(paths, new Set([...types.image, ...types.video]), { includeHidden: opts.includeHidden });
  const summary: UploadSummary = { found: files.length, uploaded: 0, duplicates: 0, alreadyUploaded: 0, failed: [], bytesSent: 0, resumedParts: 0, sidecars: 0, albums: 0 };

  const fresh = files.filter((file) => {
    const known = journal.known(file.path, file.size, file.mtimeMs);
    if (known) summary.alreadyUploaded++;
    return !known;
  });
  const hashed = new Map<string, string>();
  await forEachConcurrently(fresh, opts.concurrency, async (file) => {
    try {
      hashed.set(file.path, await sha1File(file.path));
    } catch (error) {
      summary.failed.push({ path: file.path, reason: `cannot read: ${(error as Error).message}` });
    }
  });

  const toSend: Array<{ file: MediaFile; sha1: string }> = [];
  const candidates = fresh.filter((file) => hashed.has(file.path));
  for (let start = 0; start < candidates.length; start += CHECK_BATCH) {
    const batch = candidates.slice(start, start + CHECK_BATCH);
    const { results } = await client.bulkUploadCheck(batch.map((file) => ({ id: file.path, checksum: hashed.get(file.path)! })));
    const byPath = new Map(batch.map((file) => [file.path, file]));
    for (const result of results) {
      const file = byPath.get(result.id)!;
      const sha1 = hashed.get(file.path)!;
      if (result.action === 'accept') {
        toSend.push({ file, sha1 });
      } else {
        summary.duplicates++;
        if (!opts.dryRun && result.assetId) {
          await journal.record({ type: 'done', path: file.path, size: file.size, mtimeMs: file.mtimeMs, sha1, assetId: result.assetId, result: 'duplicate' });
        }
      }
    }
  }
  if (opts.dryRun) {
    summary.uploaded = toSend.length;
    return summary;
  }

  const progress = new Progress(toSend.length, toSend.reduce((sum, f) => sum + f.file.size, 0), opts.progress);
  await forEachConcurrently(toSend, opts.concurrency, async ({ file, sha1 }) => {
    try {
      const { result } = await uploadFile(client, journal, uploadItemOf(file, sha1), progress, summary);
      if (result === 'duplicate') summary.duplicates++;
      else summary.uploaded++;
    } catch (error) {
      summary.failed.push({ path: file.path, reason: (error as Error).message });
    }
    progress.filesDone++;
    progress.update();
  });
  progress.update(true);
  progress.finish();
  summary.bytesSent = progress.bytesSent;
  await applySidecars(client, journal, fresh, summary);
  summary.albums = await fillAlbums(client, journal, files, opts);
  if (opts.deleteAfter) await deleteConfirmed(client, journal, files, summary);
  return summary;
}

/** An .xmp beside a file says what the file's own metadata got wrong: applied as edits (the file is never written). */
async function applySidecars(client: ServerClient, journal: UploadJournal, files: MediaFile[], summary: UploadSummary): Promise<void> {
  for (const file of files) {
    const assetId = journal.known(file.path, file.size, file.mtimeMs)?.assetId;
    const sidecar = assetId ? await readLocalSidecar(file.path) : undefined;
    const edits = sidecar ? { ...editFromSidecar(sidecar) } : {};
    if (!assetId || Object.keys(edits).length === 0) continue;
    try {
      await client.updateAsset(assetId, edits);
      summary.sidecars++;
    } catch (error) {
      summary.failed.push({ path: `${file.path} (sidecar)`, reason: (error as Error).message });
    }
  }
}

/** --album and --album-from-folder: every file found, uploaded now or before. */
async function fillAlbums(client: ServerClient, journal: UploadJournal, files: MediaFile[], opts: UploadOptions): Promise<number> {
  if (!opts.album && !opts.albumFromFolder) return 0;
  const albums = new Map<string, string[]>();
  for (const file of files) {
    const assetId = journal.known(file.path, file.size, file.mtimeMs)?.assetId;
    const album = opts.album ?? path.basename(path.dirname(file.path));
    if (assetId) albums.set(album, [...(albums.get(album) ?? []), assetId]);
  }
  await addToNamedAlbums(client, albums);
  return albums.size;
}

/** One file to send: where its bytes are now, and what the server and the journal know it by. */
export interface UploadItem {
  /** The journal's key: the file's path, or archive::entry for a file inside an archive. */
  key: string;
  /** Where the bytes are read from (for an archive entry, its extracted copy). */
  path: string;
  fileName: string;
  size: number;
  mtimeMs: number;
  sha1: string;
  fileCreatedAt: string;
  fileModifiedAt: string;
  isFavorite?: boolean;
  visibility?: 'archive' | 'timeline';
}

export function uploadItemOf(file: MediaFile, sha1: string): UploadItem {
  return {
    key: file.path,
    path: file.path,
    fileName: path.basename(file.path),
    size: file.size,
    mtimeMs: file.mtimeMs,
    sha1,
    fileCreatedAt: new Date(Math.min(file.birthtimeMs || file.mtimeMs, file.mtimeMs)).toISOString(),
    fileModifiedAt: new Date(file.mtimeMs).toISOString(),
  };
}

/** Sends one file (or learns the server has it); journals it as done. Returns the asset id. */
export async function uploadFile(
  client: ServerClient,
  journal: UploadJournal,
  item: UploadItem,
  progress: Progress,
  summary: Pick<UploadSummary, 'resumedParts'>,
): Promise<{ result: 'uploaded' | 'duplicate'; assetId: string }> {
  const ticket: UploadTicket = await client.createUpload({
    fileName: item.fileName,
    size: item.size,
    checksum: item.sha1,
    fileCreatedAt: item.fileCreatedAt,
    fileModifiedAt: item.fileModifiedAt,
    deviceId: `shoebox-cli-${os.hostname()}`,
    deviceAssetId: `${item.fileName}-${item.size}`,
    ...(item.isFavorite !== undefined ? { isFavorite: item.isFavorite } : {}),
    ...(item.visibility !== undefined ? { visibility: item.visibility } : {}),
  });
  const done = async (result: 'uploaded' | 'duplicate') => {
    await journal.record({ type: 'done', path: item.key, size: item.size, mtimeMs: item.mtimeMs, sha1: item.sha1, assetId: ticket.id, result });
    return { result, assetId: ticket.id };
  };
  if (ticket.status === 'duplicate') return done('duplicate');
  const handle = await open(item.path, 'r');
  try {
    if (ticket.upload.type === 'single') {
      const bytes = await readRange(handle, 0, item.size);
      await put(ticket.upload.url, bytes);
      progress.bytesSent += bytes.length;
      await client.completeUpload(ticket.id, []);
    } else {
      const { uploadId, partSize, parts } = ticket.upload;
      const sent = journal.sentParts(ticket.id, uploadId);
      summary.resumedParts += sent.size;
      for (const part of parts) {
        if (sent.has(part.partNumber)) continue;
        const bytes = await readRange(handle, (part.partNumber - 1) * partSize, part.size);
        const etag = await put(part.url, bytes);
        progress.bytesSent += bytes.length;
        progress.update();
        sent.set(part.partNumber, etag);
        await journal.record({ type: 'part', assetId: ticket.id, uploadId, partNumber: part.partNumber, etag });
      }
      await client.completeUpload(
        ticket.id,
        parts.map((p) => ({ partNumber: p.partNumber, etag: sent.get(p.partNumber)! })),
      );
    }
  } finally {
    await handle.close();
  }
  return done('uploaded');
}

/** PUT with retries; returns the ETag. */
async function put(url: string, bytes: Buffer<ArrayBuffer>): Promise<string> {
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= PART_TRIES; attempt++) {
    try {
      const response = await fetch(url, { method: 'PUT', body: bytes as Buffer<ArrayBuffer> });
      if (response.ok) return response.headers.get('etag') ?? '';
      const text = await response.text();
      lastError = new Error(`storage answered ${response.status}: ${text.slice(0, 200)}`);
      if (response.status < 500 && response.status !== 429) break;
    } catch (error) {
      lastError = error as Error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
  throw lastError ?? new Error('upload failed');
}

async function readRange(handle: Awaited<ReturnType<typeof open>>, offset: number, length: number): Promise<Buffer<ArrayBuffer>> {
  const buffer = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
    if (bytesRead === 0) throw new Error('the file got shorter while uploading');
    read += bytesRead;
  }
  return buffer;
}

/** --delete-after: remove a local file only once the server has verified its checksum. */
async function deleteConfirmed(client: ServerClient, journal: UploadJournal, files: MediaFile[], summary: UploadSummary): Promise<void> {
  for (const file of files) {
    const entry = journal.known(file.path, file.size, file.mtimeMs);
    if (!entry) continue;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await client.uploadStatus(entry.assetId);
      if (status.status === 'processing' || status.status === 'ready') {
        await unlink(file.path);
        break;
      }
      if (status.status === 'failed' || Date.now() > deadline) {
        summary.failed.push({ path: file.path, reason: `kept: the server has not confirmed it (${status.failedReason ?? status.status})` });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export function printSummary(summary: UploadSummary, dryRun: boolean): void {
  const lines = [
    `${summary.found} media files found`,
    dryRun ? `${summary.uploaded} would be uploaded` : `${summary.uploaded} uploaded (${formatBytes(summary.bytesSent)} sent)`,
    `${summary.duplicates} already on the server (duplicates)`,
    `${summary.alreadyUploaded} uploaded before (skipped without hashing)`,
  ];
  if (summary.resumedParts) lines.push(`${summary.resumedParts} parts resumed from an interrupted upload`);
  if (summary.sidecars) lines.push(`${summary.sidecars} .xmp sidecars applied`);
  if (summary.albums) lines.push(`${summary.albums} albums filled`);
  lines.push(`${summary.failed.length} failed`);
  for (const failure of summary.failed) lines.push(`  ✗ ${failure.path}: ${failure.reason}`);
  console.log(lines.join('\n'));
}
