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
import { ownStorageProblem } from '../../core/libraries/import-paths.js';

/** A list of paths or patterns as Immich checks one: no empty item, no item twice (in Immich's words). */
const UniqueItems = (maxLength: number) =>
  z
    .array(z.string().trim().max(maxLength))
    .max(100)
    .superRefine((items, ctx) => {
      if (items.some((item) => item === '')) ctx.addIssue({ code: 'custom', message: 'Array items must not be empty' });
      else if (new Set(items).size !== items.length) ctx.addIssue({ code: 'custom', message: 'Array must have unique items' });
    });
const ImportPaths = UniqueItems(1024);
const ExclusionPatterns = UniqueItems(256);
export const LibraryCreate = z.object({
  ownerId: z.uuid(),
  name: z.string().trim().min(1).max(200).default('New External Library'),
  importPaths: ImportPaths.default([]),
  exclusionPatterns: ExclusionPatterns.default(['**/@eaDir/**', '**/._*', '**/#recycle/**', '**/#snapshot/**']),
});
export const LibraryUpdate = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  importPaths: ImportPaths.optional(),
  exclusionPatterns: ExclusionPatterns.optional(),
});
export const LibraryValidate = z.object({ importPaths: ImportPaths.default([]), exclusionPatterns: ExclusionPatterns.default([]) });

/** Whether each import path can be read, and neither is nor holds nor lies inside Shoebox's own storage. */
async function validateImportPaths(ports: Ports, importPaths: string[]) {
  return Promise.all(
    importPaths.map(async (importPath) => {
      const own = ownStorageProblem(ports.config, importPath);
      if (own) return { importPath, isValid: false, message: own };
      const check = await ports.libraryFiles.check(importPath);
      return { importPath, isValid: check.ok, ...(check.ok ? {} : { message: check.message }) };
    }),
  );
}

/**
 * What a library may be given. A folder that does not exist yet (a drive not mounted now) is
 * accepted, as in Immich: validate reports it, and a scan finds nothing there. Shoebox's own
 * storage is refused outright: indexing it would make every user's originals this library's.
 */
function requireOutsideOwnStorage(ports: Ports, importPaths: string[]): void {
  const inside = importPaths.filter((p) => ownStorageProblem(ports.config, p));
  if (inside.length) throw new BadRequest(inside.map((p) => `${p}: ${ownStorageProblem(ports.config, p)}`).join('; '));
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
    requireOutsideOwnStorage(ports, body.importPaths);
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
    if (body.importPaths) requireOutsideOwnStorage(ports, body.importPaths);
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
