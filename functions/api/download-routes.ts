import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { z } from 'zod';
import { originalSize, readOriginal } from '../../core/assets/original-files.js';
import { downloadableAssets, idsToDownload, planArchives } from '../../core/downloads/downloads.js';
import { archiveNames, zipStream, type ZipSource } from '../../core/downloads/zip-stream.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticateOrSharedLink } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';

/** Immich's DownloadInfoDto and DownloadArchiveDto. */
export const DownloadInfo = z.object({
  assetIds: z.array(z.uuid()).max(100_000).optional(),
  albumId: z.uuid().optional(),
  userId: z.uuid().optional(),
  archiveSize: z.number().int().min(1).optional(),
});
export const DownloadArchive = z.object({ assetIds: z.array(z.uuid()).min(1).max(100_000), edited: z.boolean().optional() });

/**
 * Downloads (`/download`): how a selection, an album or a library splits into archives, and each
 * archive streamed as a zip of the originals — no temporary file, no size limit (ZIP64).
 */
export const downloadRoutes = new Hono<ApiEnv>()
  .use('/download/*', authenticateOrSharedLink)
  .post('/download/info', async (c) => {
    const body = await jsonBody(c, DownloadInfo);
    const { db } = c.var.ports;
    const assets = await downloadableAssets(db, c.var.auth, await idsToDownload(db, c.var.auth, body));
    return c.json(planArchives(assets, body.archiveSize), 201);
  })
  .post('/download/archive', async (c) => {
    const { assetIds } = await jsonBody(c, DownloadArchive);
    const { ports } = c.var;
    const assets = await downloadableAssets(ports.db, c.var.auth, assetIds);
    const names = archiveNames(assets.map((a) => a.originalFileName));
    // Sizes first, from the store: a missing original fails the request now, not mid-archive.
    const sizes = await Promise.all(assets.map(async (a) => (await originalSize(ports, a)) ?? -1));
    const missing = assets.filter((_, i) => sizes[i]! < 0).map((a) => a.id);
    if (missing.length > 0) throw new Error(`originals missing from the store: ${missing.join(', ')}`);
    const sources: ZipSource[] = assets.map((asset, i) => ({
      name: names[i]!,
      size: sizes[i]!,
      modified: new Date(`${asset.localDateTime}Z`),
      open: () => readOriginal(ports, asset),
    }));
    const stream = Readable.from(zipStream(sources));
    stream.on('error', (error) => ports.logger.error('archive download cut short', { error: error.message }));
    // Immich answers application/octet-stream (Nest's default for a stream); clients read it as bytes.
    return new Response(Readable.toWeb(stream) as unknown as ReadableStream, {
      headers: { 'content-type': 'application/octet-stream', 'content-disposition': 'attachment; filename="immich.zip"', 'cache-control': 'private, no-store' },
    });
  });
