import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAssetOwner, requireStackOwner } from '../../core/access/access.js';
import { getAssets, getExif } from '../../core/assets/asset-queries.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import type { Queryable } from '../../core/ports/database.js';
import { createStack, deleteStacks, readStacks, removeFromStack, searchStacks, setPrimaryAsset, type Stack } from '../../core/stacks/stacks.js';
import { assetDto } from './dto.js';

/** Immich's StackCreateDto, StackUpdateDto, BulkIdsDto and StackSearchDto. */
export const StackCreate = z.object({ assetIds: z.array(z.uuid()).min(2).max(1000) });
export const StackUpdate = z.object({ primaryAssetId: z.uuid().optional() });
export const StackIds = z.object({ ids: z.array(z.uuid()).min(1).max(1000) });
const StackSearch = z.object({ primaryAssetId: z.uuid().optional() });

/** Immich's StackResponseDto: the stack with each of its assets, EXIF included. */
async function stackResponses(db: Queryable, stacks: Stack[]) {
  const ids = stacks.flatMap((s) => s.assetIds);
  const [assets, exif] = await Promise.all([getAssets(db, ids), getExif(db, ids)]);
  const byId = new Map(assets.map((a) => [a.id, a]));
  return stacks.map((stack) => ({
    id: stack.id,
    primaryAssetId: stack.primaryAssetId,
    assets: stack.assetIds.flatMap((id) => {
      const asset = byId.get(id);
      return asset ? [{ ...assetDto(asset, exif.get(id)), stack: { id: stack.id, primaryAssetId: stack.primaryAssetId, assetCount: stack.assetIds.length } }] : [];
    }),
  }));
}

/** A stack id from the path, the requester's to `permission` (Immich: owners only). */
async function ownStack(c: Context<ApiEnv>, permission: string): Promise<string> {
  const id = uuidParam(c);
  await requireStackOwner(c.var.ports.db, c.var.auth, [id], permission);
  return id;
}

/** Stacks (`/stacks`): RAW+JPEG pairs, bursts and edited copies shown as one, the primary on top. */
export const stackRoutes = new Hono<ApiEnv>()
  .use('/stacks', authenticate)
  .use('/stacks/*', authenticate)
  .get('/stacks', async (c) => {
    const { primaryAssetId } = StackSearch.parse(c.req.query());
    return c.json(await stackResponses(c.var.ports.db, await searchStacks(c.var.ports.db, c.var.auth.user.id, primaryAssetId)));
  })
  .post('/stacks', async (c) => {
    const { assetIds } = await jsonBody(c, StackCreate);
    const { db } = c.var.ports;
    await requireAssetOwner(db, c.var.auth, assetIds);
    const [response] = await stackResponses(db, [await createStack(db, c.var.auth.user.id, assetIds)]);
    return c.json(response, 201);
  })
  .delete('/stacks', async (c) => {
    const { ids } = await jsonBody(c, StackIds);
    await requireStackOwner(c.var.ports.db, c.var.auth, ids, 'stack.delete');
    await deleteStacks(c.var.ports.db, ids);
    return c.body(null, 204);
  })
  .get('/stacks/:id', async (c) => {
    const id = await ownStack(c, 'stack.read');
    const [response] = await stackResponses(c.var.ports.db, await readStacks(c.var.ports.db, [id]));
    return c.json(response);
  })
  .put('/stacks/:id', async (c) => {
    const id = await ownStack(c, 'stack.update');
    const { primaryAssetId } = await jsonBody(c, StackUpdate);
    if (primaryAssetId) await setPrimaryAsset(c.var.ports.db, id, primaryAssetId);
    const [response] = await stackResponses(c.var.ports.db, await readStacks(c.var.ports.db, [id]));
    return c.json(response);
  })
  .delete('/stacks/:id', async (c) => {
    await deleteStacks(c.var.ports.db, [await ownStack(c, 'stack.delete')]);
    return c.body(null, 204);
  })
  .delete('/stacks/:id/assets/:assetId', async (c) => {
    const id = await ownStack(c, 'stack.update');
    const assetId = c.req.param('assetId');
    if (!z.uuid().safeParse(assetId).success) throw new BadRequest('Asset not in stack');
    await removeFromStack(c.var.ports.db, id, assetId);
    return c.body(null, 204);
  });
