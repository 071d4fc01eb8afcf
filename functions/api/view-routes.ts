import { Hono } from 'hono';
import { z } from 'zod';
import { getExif } from '../../core/assets/asset-queries.js';
import { assetsInFolder, uniqueFolders } from '../../core/assets/folders.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { assetDto } from './dto.js';

const FolderQuery = z.object({ path: z.string().min(1).max(4096) });

/** Folders (`/view/folder`): your photos by the folder they came from (see core/assets/folders.ts). */
export const viewRoutes = new Hono<ApiEnv>()
  .get('/view/folder/unique-paths', authenticate, async (c) => c.json(await uniqueFolders(c.var.ports.db, c.var.auth.user.id)))
  .get('/view/folder', authenticate, async (c) => {
    const { path } = FolderQuery.parse(c.req.query());
    const { db } = c.var.ports;
    const assets = await assetsInFolder(db, c.var.auth.user.id, path);
    const exif = await getExif(db, assets.map((a) => a.id));
    return c.json(assets.map((asset) => assetDto(asset, exif.get(asset.id))));
  });
