import { Hono } from 'hono';
import { z } from 'zod';
import { deleteAssetFile, ImmichAssetFileType, requireAssetFile, searchAssetFiles } from '../../core/assets/derived-files.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { QueryFlag, uuidParam } from '../../core/http/validate.js';
import { storedMedia } from './asset-routes.js';

/** Immich's AssetFileSearchDto. */
export const AssetFileSearch = z.object({
  assetId: z.uuid(),
  type: ImmichAssetFileType.optional(),
  isEdited: QueryFlag.optional(),
  isProgressive: QueryFlag.optional(),
  isTransparent: QueryFlag.optional(),
});

const CONTENT_TYPES: Record<string, string> = { webp: 'image/webp', jpeg: 'image/jpeg', jpg: 'image/jpeg', mp4: 'video/mp4', xmp: 'application/rdf+xml' };

/** Immich 3.2's asset-file API: the thumbnails, previews, encodings and sidecars made from your assets. */
export const assetFileRoutes = new Hono<ApiEnv>()
  .use('/asset-files', authenticate)
  .use('/asset-files/*', authenticate)
  .get('/asset-files', async (c) => {
    const { assetId, ...filter } = AssetFileSearch.parse(c.req.query());
    return c.json(await searchAssetFiles(c.var.ports.db, c.var.auth, assetId, filter));
  })
  .get('/asset-files/:id', async (c) => {
    const { assetId: _, ...file } = await requireAssetFile(c.var.ports.db, c.var.auth, uuidParam(c), 'assetFile.read');
    return c.json(file);
  })
  .get('/asset-files/:id/download', async (c) => {
    const file = await requireAssetFile(c.var.ports.db, c.var.auth, uuidParam(c), 'assetFile.download');
    const extension = file.path.slice(file.path.lastIndexOf('.') + 1);
    return storedMedia(c, file.path, {
      contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      fileName: `${file.assetId}-${file.type}.${extension}`,
      disposition: 'attachment',
      cache: 'derived',
    });
  })
  .delete('/asset-files/:id', async (c) => {
    const { db, store } = c.var.ports;
    await deleteAssetFile(db, store, await requireAssetFile(db, c.var.auth, uuidParam(c), 'assetFile.delete'));
    return c.body(null, 204);
  });
