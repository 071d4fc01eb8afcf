import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addToNamedAlbums } from '../album-membership.js';
import { editsFromTakeout } from '../metadata-edits.js';
import { formatBytes, Progress } from '../progress.js';
import type { ServerClient } from '../server-client.js';
import { uploadFile, type UploadItem } from '../upload-command.js';
import type { UploadJournal } from '../upload-journal.js';
import { matchSidecars } from './match-sidecars.js';
import { forEachTakeoutEntry, type TakeoutEntry } from './takeout-archives.js';
import { readTakeoutSidecar, type TakeoutMetadata } from './takeout-sidecar.js';

export interface TakeoutOptions {
  concurrency: number;
  dryRun: boolean;
  progress: boolean;
}

export interface TakeoutSummary {
  media: number;
  uploaded: number;
  duplicates: number;
  alreadyImported: number;
  trashedSkipped: number;
  albums: number;
  livePhotos: number;
  withoutSidecar: string[];
  unmatchedSidecars: string[];
  failed: Array<{ path: string; reason: string }>;
  bytesSent: number;
}

interface PlannedMedia {
  entry: TakeoutEntry;
  folder: string;
  meta: TakeoutMetadata | undefined;
}

const MAX_JSON_BYTES = 1024 * 1024;
/** Google's own folders of everything by year; every other folder of a Takeout is an album. */
const YEAR_FOLDER = /^(Photos from|Fotos von|Photos de|Foto del|Fotos de|Foto's uit|Zdjęcia z) \d{4}$/i;
const NOT_ALBUMS = new Set(['Trash', 'Bin', 'Papierkorb', 'Corbeille', 'Archive', 'Failed Videos']);

const keyOf = (entry: TakeoutEntry) => `${entry.source}::${entry.name}`;
const stemOf = (name: string) => name.slice(0, name.length - path.posix.extname(name).length).toLowerCase();

/**
 * `shoebox takeout`: imports a Google Takeout export — its .zip/.tgz archives read as
 * streams, or the extracted folder. A first pass reads every JSON sidecar and lists the
 * media; sidecars are matched per folder across all archives (Takeout splits folders
 * between archives). A second pass copies each media file to a temporary file while hashing
 * it, uploads it like `shoebox upload` (deduplicated, journalled, resumable), then applies
 * place, description, favourite and archive, links live photos, and fills albums.
 */
export async function importTakeout(client: ServerClient, journal: UploadJournal, sources: string[], opts: TakeoutOptions): Promise<TakeoutSummary> {
  const types = await client.mediaTypes();
  const extensions = new Set([...types.image, ...types.video]);
  const summary: TakeoutSummary = {
    media: 0,
    uploaded: 0,
    duplicates: 0,
    alreadyImported: 0,
    trashedSkipped: 0,
    albums: 0,
    livePhotos: 0,
    withoutSidecar: [],
    unmatchedSidecars: [],
    failed: [],
    bytesSent: 0,
  };

  // Pass 1: the catalogue.
  const mediaByFolder = new Map<string, TakeoutEntry[]>();
  const sidecarsByFolder = new Map<string, Map<string, string>>();
  const albumTitles = new Map<string, string>();
  await forEachTakeoutEntry(sources, async (entry, open) => {
    const folder = path.posix.dirname(entry.name);
    const name = path.posix.basename(entry.name);
    if (/\.json$/i.test(name)) {
      if (entry.size > MAX_JSON_BYTES) return;
      const text = await readText(await open());
      if (name === 'metadata.json') {
        const title = albumTitle(text);
        if (title) albumTitles.set(folder, title);
      } else {
        if (!sidecarsByFolder.has(folder)) sidecarsByFolder.set(folder, new Map());
        sidecarsByFolder.get(folder)!.set(name, text);
      }
    } else if (extensions.has(path.posix.extname(name).toLowerCase()) && entry.size > 0) {
      if (!mediaByFolder.has(folder)) mediaByFolder.set(folder, []);
      mediaByFolder.get(folder)!.push(entry);
    }
  }, (entry, reason) => summary.failed.push({ path: `${path.basename(entry.source)}: ${entry.name}`, reason: `skipped: ${reason}` }));

  const plan = new Map<string, PlannedMedia>();
  for (const folder of new Set([...mediaByFolder.keys(), ...sidecarsByFolder.keys()])) {
    const entries = mediaByFolder.get(folder) ?? [];
    const sidecars = sidecarsByFolder.get(folder) ?? new Map<string, string>();
    // The same file in two archives (a re-downloaded part) is one file.
    const byName = new Map(entries.map((e) => [path.posix.basename(e.name), e]));
    const { matches, unmatchedSidecars } = matchSidecars([...byName.keys()], [...sidecars.keys()]);
    summary.unmatchedSidecars.push(...unmatchedSidecars.map((name) => `${folder}/${name}`));
    for (const { media, sidecar } of matches) {
      const entry = byName.get(media)!;
      let meta: TakeoutMetadata | undefined;
      try {
        meta = sidecar ? readTakeoutSidecar(sidecars.get(sidecar)!) : undefined;
      } catch (error) {
        summary.failed.push({ path: entry.name, reason: `its sidecar ${sidecar} is not a Takeout sidecar: ${(error as Error).message}` });
        continue;
      }
      if (!sidecar) summary.withoutSidecar.push(entry.name);
      if (meta?.isTrashed) {
        summary.trashedSkipped++;
        continue;
      }
      plan.set(keyOf(entry), { entry, folder, meta });
    }
  }
  summary.media = plan.size;
  if (opts.dryRun) return summary;

  // Pass 2: the bytes.
  const assetIds = new Map<string, string>();
  const bySha1 = new Map<string, Promise<string | undefined>>();
  const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-takeout-'));
  const progress = new Progress(plan.size, [...plan.values()].reduce((sum, p) => sum + p.entry.size, 0), opts.progress);
  const running = new Set<Promise<void>>();
  let copies = 0;
  try {
    await forEachTakeoutEntry(sources, async (entry, open) => {
      const planned = plan.get(keyOf(entry));
      if (!planned || assetIds.has(keyOf(entry))) return;
      const known = journal.known(keyOf(entry), entry.size, entry.mtimeMs);
      if (known) {
        assetIds.set(keyOf(entry), known.assetId);
        summary.alreadyImported++;
        progress.filesDone++;
        return;
      }
      const copy = path.join(work, String(copies++));
      let sha1: string;
      try {
        sha1 = await copyAndHash(await open(), copy);
      } catch (error) {
        summary.failed.push({ path: entry.name, reason: `cannot read from the archive: ${(error as Error).message}` });
        return;
      }
      const item = uploadItem(planned, copy, sha1);
      // The same photo twice in one export (a year folder and an album): sent once.
      const first = bySha1.get(sha1);
      const task = (async () => {
        try {
          if (first) {
            const id = await first;
            if (id) {
              assetIds.set(keyOf(entry), id);
              summary.duplicates++;
              await journal.record({ type: 'done', path: item.key, size: item.size, mtimeMs: item.mtimeMs, sha1, assetId: id, result: 'duplicate' });
            }
            return;
          }
          const { result, assetId } = await uploadFile(client, journal, item, progress, { resumedParts: 0 });
          assetIds.set(keyOf(entry), assetId);
          if (result === 'duplicate') summary.duplicates++;
          else summary.uploaded++;
        } catch (error) {
          summary.failed.push({ path: entry.name, reason: (error as Error).message });
        } finally {
          await unlink(copy).catch(() => undefined);
          progress.filesDone++;
          progress.update();
        }
      })();
      if (!first) bySha1.set(sha1, task.then(() => assetIds.get(keyOf(entry))));
      running.add(task);
      void task.finally(() => running.delete(task));
      // Bounded: at most `concurrency` extracted copies wait on disk.
      if (running.size >= opts.concurrency) await Promise.race(running);
    });
    await Promise.all(running);
  } finally {
    progress.update(true);
    progress.finish();
    await rm(work, { recursive: true, force: true });
  }
  summary.bytesSent = progress.bytesSent;

  // Then what the sidecars and folders say.
  for (const [key, planned] of plan) {
    const id = assetIds.get(key);
    const edits = planned.meta ? editsFromTakeout(planned.meta) : {};
    if (!id || Object.keys(edits).length === 0) continue;
    await client.updateAsset(id, edits).catch((error: Error) => summary.failed.push({ path: planned.entry.name, reason: `metadata: ${error.message}` }));
  }
  summary.livePhotos = await linkLivePhotos(client, plan, assetIds, summary);
  const albums = new Map<string, string[]>();
  for (const [key, planned] of plan) {
    const id = assetIds.get(key);
    const album = albumOf(planned.folder, albumTitles);
    if (id && album) albums.set(album, [...(albums.get(album) ?? []), id]);
  }
  summary.albums = albums.size;
  await addToNamedAlbums(client, albums);
  return summary;
}

function uploadItem(planned: PlannedMedia, copy: string, sha1: string): UploadItem {
  const { entry, meta } = planned;
  // Google's capture time goes in as the file's time: the server prefers the file's EXIF date when it has one.
  const time = meta?.takenAt ?? new Date(entry.mtimeMs);
  return {
    key: keyOf(entry),
    path: copy,
    fileName: path.posix.basename(entry.name),
    size: entry.size,
    mtimeMs: entry.mtimeMs,
    sha1,
    fileCreatedAt: time.toISOString(),
    fileModifiedAt: time.toISOString(),
    ...(meta?.isFavorite ? { isFavorite: true } : {}),
    ...(meta?.isArchived ? { visibility: 'archive' as const } : {}),
  };
}

/** An iPhone live photo comes out of Takeout as IMG_1.HEIC + IMG_1.MP4 in the same folder. */
async function linkLivePhotos(client: ServerClient, plan: Map<string, PlannedMedia>, assetIds: Map<string, string>, summary: TakeoutSummary): Promise<number> {
  const byStem = new Map<string, { still?: string; video?: string }>();
  for (const [key, { entry, folder }] of plan) {
    const id = assetIds.get(key);
    if (!id) continue;
    const stem = `${folder}/${stemOf(path.posix.basename(entry.name))}`;
    const pair = byStem.get(stem) ?? {};
    if (/\.(mp4|mov)$/i.test(entry.name)) pair.video = id;
    else pair.still = id;
    byStem.set(stem, pair);
  }
  let linked = 0;
  for (const [stem, { still, video }] of byStem) {
    if (!still || !video) continue;
    try {
      await client.updateAsset(still, { livePhotoVideoId: video });
      linked++;
    } catch (error) {
      summary.failed.push({ path: stem, reason: `live photo: ${(error as Error).message}` });
    }
  }
  return linked;
}

function albumOf(folder: string, titles: Map<string, string>): string | undefined {
  const name = path.posix.basename(folder);
  if (titles.has(folder)) return titles.get(folder);
  if (YEAR_FOLDER.test(name) || NOT_ALBUMS.has(name) || folder === '.' || /^(Google Photos|Google Fotos|Takeout)$/i.test(name)) return undefined;
  return name;
}

function albumTitle(json: string): string | undefined {
  try {
    const title = (JSON.parse(json) as { title?: unknown }).title;
    return typeof title === 'string' && title.trim() ? title.trim() : undefined;
  } catch {
    return undefined;
  }
}

async function readText(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function copyAndHash(stream: AsyncIterable<Buffer>, file: string): Promise<string> {
  const hash = createHash('sha1');
  const out = createWriteStream(file);
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        if (out.write(chunk)) callback();
        else out.once('drain', () => callback());
      },
      final(callback) {
        out.end(callback);
      },
    }),
  );
  return hash.digest('hex');
}

export function printTakeoutSummary(summary: TakeoutSummary, dryRun: boolean): void {
  const lines = [
    `${summary.media} media files in the export${summary.trashedSkipped ? ` (${summary.trashedSkipped} in Google's trash, skipped)` : ''}`,
    dryRun ? `${summary.media} would be imported` : `${summary.uploaded} uploaded (${formatBytes(summary.bytesSent)} sent)`,
    `${summary.duplicates} duplicates (already on the server, or twice in the export)`,
    `${summary.alreadyImported} imported before (skipped)`,
    `${summary.albums} albums, ${summary.livePhotos} live photos linked`,
    `${summary.withoutSidecar.length} media files without a sidecar (imported with the file's own metadata)`,
  ];
  for (const name of summary.withoutSidecar.slice(0, 20)) lines.push(`  ? ${name}`);
  lines.push(`${summary.unmatchedSidecars.length} sidecars without a media file`);
  for (const name of summary.unmatchedSidecars.slice(0, 20)) lines.push(`  ? ${name}`);
  lines.push(`${summary.failed.length} failed`);
  for (const failure of summary.failed) lines.push(`  ✗ ${failure.path}: ${failure.reason}`);
  console.log(lines.join('\n'));
}
