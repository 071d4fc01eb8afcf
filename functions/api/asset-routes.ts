import { Hono } from 'hono';
import { z } from 'zod';
import {
  deleteAssetRows,
  getAsset,
  getAssetFile,
  getExif,
  objectKeysOf,
  ownedAssetIds,
  searchAssets,
  trashAssets,
} from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { parseSha1 } from '../../core/assets/checksum.js';
import { BadRequest, NotFound } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import type { Ports } from '../../core/runtime/ports.js';
import type { User } from '../../core/users/user-queries.js';
import { assetDto } from './dto.js';

const Uuid = z.uuid();
export const AssetDelete = z.object({ ids: z.array(z.uuid()).min(1).max(1000), force: z.boolean().default(false) });
export const MetadataSearch = z.object({
  id: z.uuid().optional(),
  checksum: z.string().optional(),
  type: z.enum(['IMAGE', 'VIDEO']).optional(),
  isFavorite: z.boolean().optional(),
  visibility: z.enum(['archive', 'timeline', 'hidden', 'locked']).optional(),
  withDeleted: z.boolean().optional(),
  withExif: z.boolean().optional(),
  takenAfter: z.coerce.date().optional(),
  takenBefore: z.coerce.date().optional(),
  originalFileName: z.string().max(255).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(1).max(100_000).default(1),
  size: z.number().int().min(1).max(1000).default(250),
});
const ThumbnailQuery = z.object({ size: z.enum(['thumbnail', 'preview', 'fullsize']).default('thumbnail') });

/** Reads an asset the caller may see; others' assets look exactly like missing ones. */
async function readableAsset(ports: Ports, user: User, id: string): Promise<Asset> {
  const asset = Uuid.safeParse(id).success ? await getAsset(ports.db, id) : undefined;
  if (!asset || asset.ownerId !== user.id) throw new BadRequest('Not found or no asset.read access');
  return asset;
}

/** Media is served by the object store through a short-lived signed URL, never proxied. */
async function redirectTo(ports: Ports, key: string, opts: { downloadName?: string; contentType?: string }) {
  const url = await ports.store.presignGet(key, { expiresIn: ports.config.downloadUrlTtlSeconds, ...opts });
  return new Response(null, { status: 302, headers: { location: url, 'cache-control': 'private, no-store' } });
}

export const assetRoutes = new Hono<ApiEnv>()
  .use('/assets/*', authenticate)
  .use('/search/*', authenticate)
  .get('/assets/:id', async (c) => {
    const asset = await readableAsset(c.var.ports, c.var.auth.user, c.req.param('id'));
    const exif = await getExif(c.var.ports.db, [asset.id]);
    return c.json(assetDto(asset, exif.get(asset.id)));
  })
  .get('/assets/:id/thumbnail', async (c) => {
    const { size } = ThumbnailQuery.parse(c.req.query());
    const asset = await readableAsset(c.var.ports, c.var.auth.user, c.req.param('id'));
    const file = await getAssetFile(c.var.ports.db, asset.id, size === 'thumbnail' ? 'thumbnail' : 'preview');
    if (!file) throw new NotFound(asset.failedReason ?? 'The thumbnail is not ready yet');
    return redirectTo(c.var.ports, file.path, { contentType: size === 'thumbnail' ? 'image/webp' : 'image/jpeg' });
  })
  .get('/assets/:id/original', async (c) => {
    const asset = await readableAsset(c.var.ports, c.var.auth.user, c.req.param('id'));
    if (asset.status === 'uploading') throw new NotFound('The original has not been uploaded yet');
    return redirectTo(c.var.ports, asset.originalPath, {
      downloadName: asset.originalFileName,
      contentType: asset.originalMimeType ?? 'application/octet-stream',
    });
  })
  .delete('/assets', async (c) => {
    const body = await jsonBody(c, AssetDelete);
    const { ports } = c.var;
    const ids = await ownedAssetIds(ports.db, c.var.auth.user.id, body.ids);
    if (ids.length !== new Set(body.ids).size) throw new BadRequest('Not found or no asset.delete access');
    if (!body.force) {
      await trashAssets(ports.db, ids);
    } else {
      // Rows first: a crash between the two leaves unreferenced bytes, never rows without bytes.
      const keys = await objectKeysOf(ports.db, ids);
      await deleteAssetRows(ports.db, ids);
      await Promise.all(keys.map((key) => ports.store.delete(key)));
    }
    return c.body(null, 204);
  })
  .post('/search/metadata', async (c) => {
    const q = await jsonBody(c, MetadataSearch);
    const { db } = c.var.ports;
    const { items, total } = await searchAssets(db, {
      ...q,
      checksum: q.checksum ? parseSha1(q.checksum) : undefined,
      ownerId: c.var.auth.user.id,
    });
    const exif = q.withExif ? await getExif(db, items.map((a) => a.id)) : new Map();
    const hasMore = q.page * q.size < total;
    return c.json({
      albums: { total: 0, count: 0, items: [], facets: [] },
      assets: {
        total,
        count: items.length,
        items: items.map((asset) => assetDto(asset, exif.get(asset.id))),
        facets: [],
        nextPage: hasMore ? String(q.page + 1) : null,
        nextCursor: null,
      },
    });
  });
