import { Hono, type Context } from 'hono';
import {
  AssetMetadataBulkItems,
  AssetMetadataBulkKeys,
  AssetMetadataItems,
  deleteAssetMetadata,
  readAssetMetadata,
  readAssetMetadataKey,
  upsertAssetMetadata,
  upsertBulkAssetMetadata,
} from '../../core/assets/asset-metadata.js';
import { z } from 'zod';
import { ownLibrary, requireAssetOwner, requireAssetRead } from '../../core/access/access.js';
import { copyAssetPlace } from '../../core/assets/asset-copy.js';
import { editProblem, PictureEdits, readPictureEdits, replacePictureEdits } from '../../core/assets/picture-edits.js';
import { editAssets, linkLivePhoto } from '../../core/assets/asset-edits.js';
import { ASSET_JOB_NAMES, runAssetJobs } from '../../core/assets/asset-jobs.js';
import { assetStatistics, getAsset, getAssetFile, getExif } from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { isLibraryFile } from '../../core/assets/original-files.js';
import { removeAssets, restoreAssets, trashAssets, trashedAssetIds } from '../../core/assets/trash.js';
import { BadRequest, Forbidden, NotFound } from '../../core/errors.js';
import type { ApiEnv, AuthContext } from '../../core/http/api-env.js';
import { authenticate, authenticateOrSharedLink } from '../../core/http/authenticate.js';
import { DateInput, jsonBody, uuidParam, VisibilityInput as Visibility } from '../../core/http/validate.js';
import { mediaResponse, type MediaOptions, type MediaSource } from '../../core/http/media-response.js';
import type { ByteRange } from '../../core/ports/object-store.js';
import { facesOfAsset, getPeople } from '../../core/people/people-queries.js';
import type { Ports } from '../../core/runtime/ports.js';
import { stackSummaries } from '../../core/stacks/stacks.js';
import { tagsOfAssets } from '../../core/tags/tags.js';
import { assetDto, assetDtoFor, peopleInAsset, showsMetadata, tagDto } from './dto.js';

const Uuid = z.uuid();
const Ids = z.array(z.uuid()).min(1).max(10_000);
export const AssetDelete = z.object({ ids: Ids, force: z.boolean().default(false) });
export const AssetIds = z.object({ ids: Ids });
/** Immich's AssetJobsDto. */
export const AssetJobs = z.object({ assetIds: Ids, name: z.enum(ASSET_JOB_NAMES) });
/** Immich's UpdateAssetDto; latitude and longitude come as a pair. */
export const AssetUpdate = z.strictObject({
  isFavorite: z.boolean().optional(),
  visibility: Visibility.optional(),
  isArchived: z.boolean().optional(),
  dateTimeOriginal: z.string().max(64).optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  description: z.string().max(10_000).optional(),
  /** Immich 3: 1–5 stars, 0 none, -1 rejected. */
  rating: z.number().int().min(-1).max(5).nullable().optional(),
  /** Keywords, replacing the ones there (Shoebox's addition). */
  tags: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
  /** Joins this still to its motion part (a live photo); null separates them. */
  livePhotoVideoId: z.uuid().nullable().optional(),
});
/** Immich's AssetCopyDto: what of the source the target takes (all of it unless turned off). */
export const AssetCopy = z.strictObject({
  sourceId: z.uuid(),
  targetId: z.uuid(),
  albums: z.boolean().default(true),
  sharedLinks: z.boolean().default(true),
  stack: z.boolean().default(true),
  favorite: z.boolean().default(true),
  sidecar: z.boolean().default(true),
});
/** Immich's `AssetMetadataUpsertDto`, `AssetMetadataBulkUpsertDto` and `AssetMetadataBulkDeleteDto`. */
export const AssetMetadataUpsert = z.object({ items: AssetMetadataItems });
export const AssetMetadataBulkUpsert = z.object({ items: AssetMetadataBulkItems });
export const AssetMetadataBulkDelete = z.object({ items: AssetMetadataBulkKeys });
export const AssetBulkUpdate = AssetUpdate.omit({ livePhotoVideoId: true }).extend({
  ids: Ids,
  duplicateId: z.uuid().nullable().optional(),
  /** Immich's dateTimeRelative: move each capture time by this many minutes (up to a century either way). */
  dateTimeRelative: z.number().int().min(-52_596_000).max(52_596_000).optional(),
});
const ThumbnailQuery = z.object({ size: z.enum(['thumbnail', 'preview', 'fullsize']).default('thumbnail') });
const StatisticsQuery = z.object({
  isFavorite: z.enum(['true', 'false']).optional(),
  isTrashed: z.enum(['true', 'false']).optional(),
  visibility: Visibility.optional(),
});

/** Reads an asset the caller may see; others' assets look exactly like missing ones. */
async function readableAsset(ports: Ports, auth: AuthContext, id: string): Promise<Asset> {
  if (!Uuid.safeParse(id).success) throw new BadRequest('Not found or no asset.read access');
  await requireAssetRead(ports.db, auth, [id]);
  return (await getAsset(ports.db, id))!;
}

async function assetResponse(ports: Ports, auth: AuthContext, asset: Asset) {
  if (!showsMetadata(auth)) return assetDtoFor(auth, asset);
  const exif = (await getExif(ports.db, [asset.id])).get(asset.id);
  const dto = assetDto(asset, exif);
  if (asset.stackId) dto.stack = (await stackSummaries(ports.db, [asset.stackId])).get(asset.stackId) ?? null;
  if (!auth.sharedLink) dto.tags = ((await tagsOfAssets(ports.db, auth.user.id, [asset.id])).get(asset.id) ?? []).map(tagDto);
  // People are the owner's: a partner or a shared link sees the photo, not who is named in it.
  if (!auth.sharedLink && auth.user.id === asset.ownerId) {
    const faces = await facesOfAsset(ports.db, asset.id);
    const people = await getPeople(ports.db, asset.ownerId, [...new Set(faces.flatMap((f) => (f.personId ? [f.personId] : [])))]);
    dto.people = peopleInAsset(faces, people.filter((p) => !p.isHidden));
  }
  return dto;
}

function assetEdit(body: Omit<z.infer<typeof AssetUpdate>, 'livePhotoVideoId'> & { duplicateId?: string | null; dateTimeRelative?: number }) {
  const { isArchived, dateTimeRelative, ...edit } = body;
  // Immich's older clients send isArchived; visibility wins when both come.
  const visibility = edit.visibility ?? (isArchived === undefined ? undefined : isArchived ? 'archive' : 'timeline');
  return { ...edit, visibility, shiftMinutes: dateTimeRelative } as const;
}

/** Where an asset's media lies, and how the client may fetch it itself when the store lets it (S3). */
interface AssetMediaSource extends MediaSource {
  presign(opts: MediaOptions): Promise<string | undefined>;
  /** How long a client may reuse the redirect. */
  redirectCacheControl: string;
}

/**
 * Media answered in place (200/206 with the bytes, ETag, ranges), as Immich answers it. Only on
 * real S3, where the bucket is reachable from anywhere and the bytes need not pass through the
 * API, the answer is a redirect to S3's own short-lived presigned URL.
 */
async function answerMedia(c: Context<ApiEnv>, source: AssetMediaSource, opts: MediaOptions, missing: NotFound): Promise<Response> {
  const url = c.var.ports.config.mediaRedirects ? await source.presign(opts) : undefined;
  if (url) return new Response(null, { status: 302, headers: { location: url, 'cache-control': source.redirectCacheControl } });
  const response = await mediaResponse(c.req.raw, source, opts);
  if (!response) throw missing;
  return response;
}

/** A file in the object store: an original, a thumbnail, an encoding. */
export function storedMedia(c: Context<ApiEnv>, key: string, opts: MediaOptions): Promise<Response> {
  const { store, config } = c.var.ports;
  const source: AssetMediaSource = {
    head: () => store.head(key),
    read: (range) => store.read(key, range),
    presign: (o) =>
      store.presignGet(key, { expiresIn: config.downloadUrlTtlSeconds, downloadName: o.disposition === 'attachment' ? o.fileName : undefined, contentType: o.contentType }),
    // The browser may reuse the redirect while the URL is comfortably valid.
    redirectCacheControl: `private, max-age=${Math.min(600, Math.floor(config.downloadUrlTtlSeconds / 2))}`,
  };
  return answerMedia(c, source, opts, new NotFound('The file is missing from storage; rerun the job that makes it'));
}

/** A library file, read where it lies. */
async function libraryMedia(c: Context<ApiEnv>, asset: Asset, opts: MediaOptions): Promise<Response> {
  const { libraryFiles, config } = c.var.ports;
  const offline = new NotFound('The file is offline: it is no longer where the library scan found it');
  if (asset.isOffline) throw offline;
  const source: AssetMediaSource = {
    head: async () => {
      const file = await libraryFiles.stat(asset.originalPath);
      return file && { size: file.size, etag: `${file.size.toString(16)}-${file.modifiedAt.getTime().toString(16)}`, lastModified: file.modifiedAt };
    },
    read: (range?: ByteRange) => libraryFiles.read(asset.originalPath, range),
    presign: (o) => libraryFiles.presignGet(asset.originalPath, { expiresIn: config.downloadUrlTtlSeconds, downloadName: o.fileName, contentType: o.contentType }),
    redirectCacheControl: 'private, no-store',
  };
  return answerMedia(c, source, opts, offline);
}

export const assetRoutes = new Hono<ApiEnv>()
  .get('/assets/statistics', authenticate, async (c) => {
    const q = StatisticsQuery.parse(c.req.query());
    return c.json(
      await assetStatistics(c.var.ports.db, ownLibrary(c.var.auth, q.visibility), {
        isFavorite: q.isFavorite === undefined ? undefined : q.isFavorite === 'true',
        isTrashed: q.isTrashed === 'true',
        visibility: q.visibility,
      }),
    );
  })
  // Before /assets/:id, which would take 'copy' for an id.
  .put('/assets/copy', authenticate, async (c) => {
    const { sourceId, targetId, ...parts } = await jsonBody(c, AssetCopy);
    const { db, store } = c.var.ports;
    await requireAssetOwner(db, c.var.auth, [sourceId, targetId], 'asset.copy');
    await copyAssetPlace(db, store, c.var.auth, sourceId, targetId, parts);
    return c.body(null, 204);
  })
  // Before /assets/:id too. Metadata is its owner's: the iOS app's entry holds its iCloud id and the photo's place.
  .put('/assets/metadata', authenticate, async (c) => {
    const { items } = await jsonBody(c, AssetMetadataBulkUpsert);
    await requireAssetOwner(c.var.ports.db, c.var.auth, [...new Set(items.map((item) => item.assetId))]);
    return c.json(await upsertBulkAssetMetadata(c.var.ports.db, items));
  })
  .delete('/assets/metadata', authenticate, async (c) => {
    const { items } = await jsonBody(c, AssetMetadataBulkDelete);
    await requireAssetOwner(c.var.ports.db, c.var.auth, [...new Set(items.map((item) => item.assetId))]);
    await deleteAssetMetadata(c.var.ports.db, items);
    return c.body(null, 204);
  })
  .get('/assets/:id', authenticateOrSharedLink, async (c) => {
    const asset = await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    return c.json(await assetResponse(c.var.ports, c.var.auth, asset));
  })
  // Owner only: the iOS app's entry holds its iCloud id and the photo's place.
  .get('/assets/:id/metadata', authenticate, async (c) => {
    const id = c.req.param('id');
    if (!Uuid.safeParse(id).success) throw new BadRequest('Not found or no asset.read access');
    await requireAssetOwner(c.var.ports.db, c.var.auth, [id], 'asset.read');
    return c.json(await readAssetMetadata(c.var.ports.db, id));
  })
  .put('/assets/:id/metadata', authenticate, async (c) => {
    const id = c.req.param('id');
    const { items } = await jsonBody(c, AssetMetadataUpsert);
    if (!Uuid.safeParse(id).success) throw new BadRequest('Not found or no asset.update access');
    await requireAssetOwner(c.var.ports.db, c.var.auth, [id]);
    await upsertAssetMetadata(c.var.ports.db, id, items);
    return c.json(await readAssetMetadata(c.var.ports.db, id));
  })
  .get('/assets/:id/metadata/:key', authenticate, async (c) => {
    const id = uuidParam(c);
    await requireAssetOwner(c.var.ports.db, c.var.auth, [id], 'asset.read');
    return c.json(await readAssetMetadataKey(c.var.ports.db, id, c.req.param('key')));
  })
  .delete('/assets/:id/metadata/:key', authenticate, async (c) => {
    const id = uuidParam(c);
    await requireAssetOwner(c.var.ports.db, c.var.auth, [id]);
    await deleteAssetMetadata(c.var.ports.db, [{ assetId: id, key: c.req.param('key') }]);
    return c.body(null, 204);
  })
  .get('/assets/:id/edits', authenticate, async (c) => {
    const asset = await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    // Immich's AssetEditsResponseDto, and (Shoebox's addition) the size crops are measured in.
    const original = { originalWidth: asset.originalWidth ?? asset.width, originalHeight: asset.originalHeight ?? asset.height };
    return c.json({ assetId: asset.id, edits: await readPictureEdits(c.var.ports.db, asset.id), ...original });
  })
  .put('/assets/:id/edits', authenticate, async (c) => {
    const id = uuidParam(c);
    const { edits } = await jsonBody(c, PictureEdits);
    const { db } = c.var.ports;
    await requireAssetOwner(db, c.var.auth, [id], 'asset.edit.create');
    const problem = editProblem((await getAsset(db, id))!, edits);
    if (problem) throw new BadRequest(problem);
    const saved = await replacePictureEdits(db, id, edits);
    await runAssetJobs(c.var.ports, [id], 'regenerate-thumbnail');
    return c.json({ assetId: id, edits: saved });
  })
  .delete('/assets/:id/edits', authenticate, async (c) => {
    const id = uuidParam(c);
    await requireAssetOwner(c.var.ports.db, c.var.auth, [id], 'asset.edit.delete');
    await replacePictureEdits(c.var.ports.db, id, []);
    await runAssetJobs(c.var.ports, [id], 'regenerate-thumbnail');
    return c.body(null, 204);
  })
  .put('/assets/:id', authenticate, async (c) => {
    const id = c.req.param('id');
    const body = await jsonBody(c, AssetUpdate);
    if (!Uuid.safeParse(id).success) throw new BadRequest('Not found or no asset.update access');
    const { db, store } = c.var.ports;
    const { livePhotoVideoId, ...edit } = body;
    await requireAssetOwner(db, c.var.auth, livePhotoVideoId ? [id, livePhotoVideoId] : [id]);
    await editAssets(db, store, [id], assetEdit(edit));
    if (livePhotoVideoId !== undefined) await linkLivePhoto(db, id, livePhotoVideoId);
    return c.json(await assetResponse(c.var.ports, c.var.auth, (await getAsset(db, id))!));
  })
  .put('/assets', authenticate, async (c) => {
    const { ids, ...body } = await jsonBody(c, AssetBulkUpdate);
    const { db, store } = c.var.ports;
    const unique = [...new Set(ids)];
    await requireAssetOwner(db, c.var.auth, unique);
    await editAssets(db, store, unique, assetEdit(body));
    return c.body(null, 204);
  })
  .get('/assets/:id/thumbnail', authenticateOrSharedLink, async (c) => {
    const { size } = ThumbnailQuery.parse(c.req.query());
    const asset = await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    const file = await getAssetFile(c.var.ports.db, asset.id, size === 'thumbnail' ? 'thumbnail' : 'preview');
    if (!file) throw new NotFound(asset.failedReason ?? 'The thumbnail is not ready yet');
    return storedMedia(c, file.path, { contentType: size === 'thumbnail' ? 'image/webp' : 'image/jpeg', disposition: 'inline', cache: 'derived' });
  })
  .get('/assets/:id/original', authenticateOrSharedLink, async (c) => {
    if (c.var.auth.sharedLink && !c.var.auth.sharedLink.allowDownload) throw new Forbidden('This shared link does not allow downloads');
    const asset = await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    if (asset.status === 'uploading') throw new NotFound('The original has not been uploaded yet');
    const opts = { fileName: asset.originalFileName, contentType: asset.originalMimeType ?? 'application/octet-stream', disposition: 'attachment', cache: 'original' } as const;
    return isLibraryFile(asset) ? libraryMedia(c, asset, opts) : storedMedia(c, asset.originalPath, opts);
  })
  .get('/assets/:id/video/playback', authenticateOrSharedLink, async (c) => {
    const asset = await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    if (asset.type !== 'VIDEO') throw new BadRequest('This asset is not a video');
    // The browser-playable encoding when there is one, else the original (already playable, or the best there is yet).
    const encoded = await getAssetFile(c.var.ports.db, asset.id, 'encoded_video');
    if (encoded) return storedMedia(c, encoded.path, { contentType: 'video/mp4', disposition: 'inline', cache: 'derived' });
    const opts = { contentType: asset.originalMimeType ?? 'video/mp4', disposition: 'inline', cache: 'original' } as const;
    return isLibraryFile(asset) ? libraryMedia(c, asset, opts) : storedMedia(c, asset.originalPath, opts);
  })
  /*
   * Immich's real-time HLS, answered as Immich answers it with ffmpeg.realtime off (its default,
   * and `realtimeTranscoding: false` in the server's features, so clients play /video/playback).
   * Shoebox does not transcode while someone watches: Immich's HLS keeps an ffmpeg process and
   * the session in one worker's memory for as long as the video plays, which a Lambda function
   * answering each segment request afresh cannot do. The transcode stage makes a web-playable
   * encoding once, at upload, which plays at once with ranges.
   */
  .get('/assets/:id/video/stream/main.m3u8', authenticateOrSharedLink, async (c) => {
    await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    throw new BadRequest('Real-time transcoding is not enabled');
  })
  .get('/assets/:id/video/stream/:sessionId/:variantIndex/playlist.m3u8', authenticateOrSharedLink, async (c) => {
    await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    throw new NotFound('Asset not found or metadata not yet ready for streaming');
  })
  .get('/assets/:id/video/stream/:sessionId/:variantIndex/:filename', authenticateOrSharedLink, async (c) => {
    await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    throw new NotFound('Session not found');
  })
  .delete('/assets/:id/video/stream/:sessionId', authenticateOrSharedLink, async (c) => {
    await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    return c.body(null, 204);
  })
  // No text recognition runs here (`ocr: false` in the server's features): no asset has any, as in Immich with OCR off.
  .get('/assets/:id/ocr', authenticateOrSharedLink, async (c) => {
    await readableAsset(c.var.ports, c.var.auth, c.req.param('id'));
    return c.json([]);
  })
  .delete('/assets', authenticate, async (c) => {
    const body = await jsonBody(c, AssetDelete);
    const { db, store } = c.var.ports;
    const ids = [...new Set(body.ids)];
    await requireAssetOwner(db, c.var.auth, ids, 'asset.delete');
    if (body.force) await removeAssets(db, store, ids);
    else await trashAssets(db, ids);
    return c.body(null, 204);
  })
  .post('/assets/jobs', authenticate, async (c) => {
    const { assetIds, name } = await jsonBody(c, AssetJobs);
    await requireAssetOwner(c.var.ports.db, c.var.auth, assetIds);
    await runAssetJobs(c.var.ports, assetIds, name);
    return c.body(null, 204);
  })
  .post('/trash/empty', authenticate, async (c) => {
    const { db, store } = c.var.ports;
    const count = await removeAssets(db, store, await trashedAssetIds(db, { ownerId: c.var.auth.user.id }));
    return c.json({ count });
  })
  .post('/trash/restore', authenticate, async (c) => {
    return c.json({ count: await restoreAssets(c.var.ports.db, c.var.auth.user.id) });
  })
  .post('/trash/restore/assets', authenticate, async (c) => {
    const { ids } = await jsonBody(c, AssetIds);
    const { db } = c.var.ports;
    await requireAssetOwner(db, c.var.auth, ids, 'asset.delete');
    return c.json({ count: await restoreAssets(db, c.var.auth.user.id, ids) });
  });
