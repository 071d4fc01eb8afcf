import { runWorkflows, workflowsForTagging } from '../../core/workflows/workflows.js';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ownedAssetIds, ownedTagIds, requireTagOwner, shareableAssetIds } from '../../core/access/access.js';
import { writeSidecars } from '../../core/assets/asset-edits.js';
import { succeeded } from '../../core/bulk-ids.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import {
  addAssetsToTag,
  createTag,
  deleteTag,
  listTags,
  lockAssetTags,
  ownAssetsTaggedWith,
  readTag,
  removeAssetsFromTag,
  tagAssets,
  updateTag,
  upsertTags,
} from '../../core/tags/tags.js';
import { tagDto } from './dto.js';

/** Immich's hexColor: 3, 4, 6 or 8 hex digits, the '#' optional. */
const HexColor = z.string().regex(/^#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$/, 'a hex colour: #rgb, #rrggbb or #rrggbbaa');
const TagValue = z.string().max(1000);
const Ids = z.array(z.uuid()).max(10_000);

/** Immich's TagCreateDto, TagUpdateDto (Shoebox also renames), TagUpsertDto, TagBulkAssetsDto and BulkIdsDto. */
export const TagCreate = z.object({ name: TagValue.min(1), parentId: z.uuid().nullish(), color: HexColor.nullish() });
export const TagUpdate = z.object({ name: z.string().min(1).max(200).optional(), color: HexColor.nullish() });
export const TagUpsert = z.object({ tags: z.array(TagValue).max(1000) });
export const TagBulkAssets = z.object({ tagIds: Ids, assetIds: Ids });
export const TagAssetIds = z.object({ ids: Ids });

/** The requester's tag named in the path, checked for `permission`. */
async function ownTag(c: Context<ApiEnv>, permission: string): Promise<string> {
  const id = uuidParam(c);
  await requireTagOwner(c.var.ports.db, c.var.auth, [id], permission);
  return id;
}

/**
 * A person changed these assets' tags: those they own keep the change against a re-read of the
 * file, and their sidecars say so (a partner's tag on your photo is theirs, not your file's).
 */
async function tagsChanged(c: Context<ApiEnv>, assetIds: readonly string[]): Promise<void> {
  const { db, store } = c.var.ports;
  const owned = [...(await ownedAssetIds(db, c.var.auth, [...new Set(assetIds)]))];
  await lockAssetTags(db, owned);
  await writeSidecars(db, store, owned);
}

/** Tags (`/tags`): each user's own hierarchy of labels ('Family/Anna'), from files' keywords and by hand. */
/** Your workflows for "an asset was tagged", on the assets of your own you just tagged (never a partner's). */
async function runTaggedWorkflows(c: Context<ApiEnv>, assetIds: string[]): Promise<void> {
  const { db } = c.var.ports;
  const workflows = await workflowsForTagging(db, c.var.auth.user.id);
  if (workflows.length === 0) return;
  for (const assetId of await ownedAssetIds(db, c.var.auth, [...new Set(assetIds)])) await runWorkflows(db, assetId, workflows);
}

export const tagRoutes = new Hono<ApiEnv>()
  .use('/tags', authenticate)
  .use('/tags/*', authenticate)
  .get('/tags', async (c) => c.json((await listTags(c.var.ports.db, c.var.auth.user.id)).map(tagDto)))
  .post('/tags', async (c) => {
    const body = await jsonBody(c, TagCreate);
    if (body.parentId) await requireTagOwner(c.var.ports.db, c.var.auth, [body.parentId], 'tag.read');
    return c.json(tagDto(await createTag(c.var.ports.db, c.var.auth.user.id, body)), 201);
  })
  .put('/tags', async (c) => {
    const { tags } = await jsonBody(c, TagUpsert);
    return c.json((await upsertTags(c.var.ports.db, c.var.auth.user.id, tags)).map(tagDto));
  })
  .put('/tags/assets', async (c) => {
    const { tagIds, assetIds } = await jsonBody(c, TagBulkAssets);
    const { db } = c.var.ports;
    // Immich's bulk tagging skips what the requester may not touch rather than failing the lot.
    const [tags, assets] = await Promise.all([ownedTagIds(db, c.var.auth, tagIds), ownedAssetIds(db, c.var.auth, assetIds)]);
    const added = await tagAssets(db, [...tags], [...assets]);
    await tagsChanged(c, added.map((pair) => pair.assetId));
    await runTaggedWorkflows(c, added.map((pair) => pair.assetId));
    return c.json({ count: added.length });
  })
  .get('/tags/:id', async (c) => c.json(tagDto((await readTag(c.var.ports.db, await ownTag(c, 'tag.read')))!)))
  .put('/tags/:id', async (c) => {
    const id = await ownTag(c, 'tag.update');
    const change = await jsonBody(c, TagUpdate);
    const tag = await updateTag(c.var.ports.db, id, change);
    // A rename changes what the sidecars of every asset under the tag say.
    if (change.name !== undefined) await tagsChanged(c, await ownAssetsTaggedWith(c.var.ports.db, c.var.auth.user.id, id));
    return c.json(tagDto(tag));
  })
  .delete('/tags/:id', async (c) => {
    const assetIds = await deleteTag(c.var.ports.db, await ownTag(c, 'tag.delete'));
    await tagsChanged(c, assetIds);
    return c.body(null, 204);
  })
  .put('/tags/:id/assets', async (c) => {
    const id = await ownTag(c, 'tag.asset');
    const { ids } = await jsonBody(c, TagAssetIds);
    const { db } = c.var.ports;
    // Your own photos and your partners' (Immich's asset.share), as for albums.
    const results = await addAssetsToTag(db, id, ids, await shareableAssetIds(db, c.var.auth, ids));
    await tagsChanged(c, succeeded(results));
    await runTaggedWorkflows(c, succeeded(results));
    return c.json(results);
  })
  .delete('/tags/:id/assets', async (c) => {
    const id = await ownTag(c, 'tag.asset');
    const { ids } = await jsonBody(c, TagAssetIds);
    const results = await removeAssetsFromTag(c.var.ports.db, id, ids);
    await tagsChanged(c, succeeded(results));
    return c.json(results);
  });
