import { Hono } from 'hono';
import { z } from 'zod';
import { ownedDuplicateIds, requireDuplicateOwner } from '../../core/access/access.js';
import { getAssets, getExif } from '../../core/assets/asset-queries.js';
import { dismissDuplicateGroups, listDuplicateGroups, resolveDuplicateGroup, suggestedKeeper, type ResolveOutcome } from '../../core/duplicates/duplicate-groups.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { tagsOfAssets } from '../../core/tags/tags.js';
import { assetDto, tagDto } from './dto.js';

/** Immich's BulkIdsDto and DuplicateResolveDto. */
export const DuplicateIds = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) });
export const DuplicateResolve = z.object({
  groups: z
    .array(
      z.object({
        duplicateId: z.uuid(),
        keepAssetIds: z.array(z.uuid()).max(1000),
        trashAssetIds: z.array(z.uuid()).max(1000),
      }),
    )
    .min(1)
    .max(1000),
});

/** Duplicates (`/duplicates`): the same picture more than once in a library, to review and resolve. */
export const duplicateRoutes = new Hono<ApiEnv>()
  .use('/duplicates', authenticate)
  .use('/duplicates/*', authenticate)
  .get('/duplicates', async (c) => {
    const { db } = c.var.ports;
    const ownerId = c.var.auth.user.id;
    const groups = await listDuplicateGroups(db, ownerId);
    const ids = groups.flatMap((g) => g.assetIds);
    const [assets, exif, tags] = await Promise.all([getAssets(db, ids), getExif(db, ids), tagsOfAssets(db, ownerId, ids)]);
    const byId = new Map(assets.map((a) => [a.id, a]));
    // Immich's DuplicateResponseDto: each asset in full (EXIF and tags, which a reviewer compares).
    return c.json(
      groups.map((group) => {
        const members = group.assetIds.flatMap((id) => {
          const asset = byId.get(id);
          return asset ? [{ ...assetDto(asset, exif.get(id)), tags: (tags.get(id) ?? []).map(tagDto) }] : [];
        });
        const keeper = suggestedKeeper(group.assetIds.map((id) => ({ id, exif: exif.get(id) })));
        return { duplicateId: group.duplicateId, assets: members, suggestedKeepAssetIds: keeper ? [keeper] : [] };
      }),
    );
  })
  .delete('/duplicates', async (c) => {
    const { ids } = await jsonBody(c, DuplicateIds);
    await requireDuplicateOwner(c.var.ports.db, c.var.auth, ids, 'duplicate.delete');
    await dismissDuplicateGroups(c.var.ports.db, c.var.auth.user.id, ids);
    return c.body(null, 204);
  })
  .delete('/duplicates/:id', async (c) => {
    const id = uuidParam(c);
    await requireDuplicateOwner(c.var.ports.db, c.var.auth, [id], 'duplicate.delete');
    await dismissDuplicateGroups(c.var.ports.db, c.var.auth.user.id, [id]);
    return c.body(null, 204);
  })
  .post('/duplicates/resolve', async (c) => {
    const { groups } = await jsonBody(c, DuplicateResolve);
    const { db, store } = c.var.ports;
    // One answer per group, as Immich's BulkIdResponseDto[]: a group that is not the
    // requester's reads exactly like one that does not exist.
    const owned = await ownedDuplicateIds(db, c.var.auth, groups.map((g) => g.duplicateId));
    const results: ResolveOutcome[] = [];
    for (const group of groups) {
      results.push(
        owned.has(group.duplicateId)
          ? await resolveDuplicateGroup(db, store, c.var.auth, group)
          : { id: group.duplicateId, success: false, error: 'not_found', errorMessage: 'Duplicate group not found or access denied' },
      );
    }
    return c.json(results);
  });
