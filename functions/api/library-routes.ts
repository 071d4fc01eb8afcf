import path from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { removeAssets } from '../../core/assets/trash.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import {
  deleteLibraryRow,
  getLibrary,
  insertLibrary,
  libraryAssetIds,
  libraryStatistics,
  listLibraries,
  updateLibrary,
  type Library,
} from '../../core/libraries/library-queries.js';
import type { Ports } from '../../core/runtime/ports.js';
import { getUser } from '../../core/users/user-queries.js';
import { requestScans } from '../library-scan/scan-library.js';

const ImportPaths = z.array(z.string().trim().min(1).max(1024)).max(100);
const ExclusionPatterns = z.array(z.string().trim().min(1).max(256)).max(100);
export const LibraryCreate = z.object({
  ownerId: z.uuid(),
  name: z.string().trim().min(1).max(200).default('Library'),
  importPaths: ImportPaths.default([]),
  exclusionPatterns: ExclusionPatterns.default(['**/@eaDir/**', '**/._*', '**/#recycle/**', '**/#snapshot/**']),
});
export const LibraryUpdate = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  importPaths: ImportPaths.optional(),
  exclusionPatterns: ExclusionPatterns.optional(),
});
export const LibraryValidate = z.object({ importPaths: ImportPaths.default([]), exclusionPatterns: ExclusionPatterns.default([]) });

/** Whether `outer` is `inner` or a folder (prefix) above it. */
function holds(outer: string, inner: string): boolean {
  if (outer.startsWith('s3://') || inner.startsWith('s3://')) return inner.startsWith(outer.replace(/\/?$/, '/'));
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Whether each import path can be read, and neither is nor holds nor lies inside Shoebox's own storage. */
async function validateImportPaths(ports: Ports, importPaths: string[]) {
  const own = [path.resolve(ports.config.dataDir), `s3://${ports.config.bucket}/`, `s3://${ports.config.derivedBucket}/`];
  return Promise.all(
    importPaths.map(async (importPath) => {
      const normalized = importPath.startsWith('s3://') ? importPath.replace(/\/?$/, '/') : path.resolve(importPath);
      if (own.some((o) => holds(normalized, o) || holds(o, normalized))) {
        return { importPath, isValid: false, message: 'This is, holds or lies inside Shoebox’s own storage' };
      }
      const check = await ports.libraryFiles.check(importPath);
      return { importPath, isValid: check.ok, message: check.ok ? undefined : check.message };
    }),
  );
}

async function requireValidPaths(ports: Ports, importPaths: string[]): Promise<void> {
  const invalid = (await validateImportPaths(ports, importPaths)).filter((p) => !p.isValid);
  if (invalid.length) throw new BadRequest(invalid.map((p) => `${p.importPath}: ${p.message}`).join('; '));
}

async function libraryDto(ports: Ports, library: Library) {
  const stats = await libraryStatistics(ports.db, library.id);
  return {
    id: library.id,
    ownerId: library.ownerId,
    name: library.name,
    importPaths: library.importPaths,
    exclusionPatterns: library.exclusionPatterns,
    assetCount: stats.total,
    createdAt: library.createdAt.toISOString(),
    updatedAt: library.updatedAt.toISOString(),
    refreshedAt: library.refreshedAt?.toISOString() ?? null,
  };
}

async function existingLibrary(ports: Ports, id: string): Promise<Library> {
  const library = z.uuid().safeParse(id).success ? await getLibrary(ports.db, id) : undefined;
  if (!library) throw new BadRequest('Not found: no such library');
  return library;
}

/** External libraries: folders (or S3 prefixes) indexed in place for a user; admins manage them. */
export const libraryRoutes = new Hono<ApiEnv>()
  .use('/libraries', authenticate, requireAdmin)
  .use('/libraries/*', authenticate, requireAdmin)
  .get('/libraries', async (c) => c.json(await Promise.all((await listLibraries(c.var.ports.db)).map((l) => libraryDto(c.var.ports, l)))))
  .post('/libraries', async (c) => {
    const body = await jsonBody(c, LibraryCreate);
    const { ports } = c.var;
    const owner = await getUser(ports.db, body.ownerId);
    if (!owner || owner.deletedAt) throw new BadRequest('Not found: the owner is not a user');
    await requireValidPaths(ports, body.importPaths);
    return c.json(await libraryDto(ports, await insertLibrary(ports.db, body)), 201);
  })
  .post('/libraries/:id/validate', async (c) => {
    await existingLibrary(c.var.ports, c.req.param('id'));
    const body = await jsonBody(c, LibraryValidate);
    return c.json({ importPaths: await validateImportPaths(c.var.ports, body.importPaths), exclusionPatterns: body.exclusionPatterns });
  })
  .get('/libraries/:id', async (c) => c.json(await libraryDto(c.var.ports, await existingLibrary(c.var.ports, c.req.param('id')))))
  .put('/libraries/:id', async (c) => {
    const body = await jsonBody(c, LibraryUpdate);
    const { ports } = c.var;
    const library = await existingLibrary(ports, c.req.param('id'));
    if (body.importPaths) await requireValidPaths(ports, body.importPaths);
    return c.json(await libraryDto(ports, (await updateLibrary(ports.db, library.id, body))!));
  })
  .delete('/libraries/:id', async (c) => {
    const { db, store } = c.var.ports;
    const library = await existingLibrary(c.var.ports, c.req.param('id'));
    // Derived files and rows go; the user's files stay exactly where and as they are.
    await removeAssets(db, store, await libraryAssetIds(db, library.id));
    await deleteLibraryRow(db, library.id);
    return c.body(null, 204);
  })
  .post('/libraries/:id/scan', async (c) => {
    const library = await existingLibrary(c.var.ports, c.req.param('id'));
    await requestScans(c.var.ports, [library]);
    return c.body(null, 204);
  })
  .get('/libraries/:id/statistics', async (c) => {
    const library = await existingLibrary(c.var.ports, c.req.param('id'));
    const { offline, ...stats } = await libraryStatistics(c.var.ports.db, library.id);
    return c.json({ ...stats, offline });
  });
