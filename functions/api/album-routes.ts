import { notifyAlbumInvite } from '../../core/notifications/notifications.js';
import { Hono } from 'hono';
import { z } from 'zod';
import { requireAlbumRole, shareableAssetIds } from '../../core/access/access.js';
import {
  addAlbumAssets,
  albumContributorCounts,
  albumHasAsset,
  albumStatistics,
  deleteAlbum,
  existingUserIds,
  getAlbum,
  insertAlbum,
  listAlbums,
  removeAlbumAssets,
  removeAlbumUser,
  updateAlbum,
  upsertAlbumUsers,
} from '../../core/albums/album-queries.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv, AuthContext } from '../../core/http/api-env.js';
import { authenticate, authenticateOrSharedLink } from '../../core/http/authenticate.js';
import { jsonBody, QueryFlag as Flag } from '../../core/http/validate.js';
import type { Ports } from '../../core/runtime/ports.js';
import { albumDto } from './dto.js';

const Uuid = z.uuid();
const Role = z.enum(['editor', 'viewer']);
const AlbumUser = z.object({ userId: z.uuid(), role: Role.default('editor') });
const AssetIdList = z.array(z.uuid()).max(10_000);
export const AlbumCreate = z.object({
  albumName: z.string().trim().min(1).max(500),
  description: z.string().max(10_000).default(''),
  assetIds: AssetIdList.default([]),
  albumUsers: z.array(AlbumUser).max(100).default([]),
});
export const AlbumUpdate = z.strictObject({
  albumName: z.string().trim().min(1).max(500).optional(),
  description: z.string().max(10_000).optional(),
  albumThumbnailAssetId: z.uuid().optional(),
  isActivityEnabled: z.boolean().optional(),
  order: z.enum(['asc', 'desc']).optional(),
});
export const AlbumAssets = z.object({ ids: AssetIdList.min(1) });
export const AlbumsAssets = z.object({ albumIds: z.array(z.uuid()).min(1).max(100), assetIds: AssetIdList.min(1) });
export const AlbumUsersAdd = z.object({ albumUsers: z.array(AlbumUser).min(1).max(100) });
export const AlbumUserRole = z.object({ role: Role });
/** Immich's GetAlbumsDto (`shared` is Immich 1's name for isShared, still read). */
const ListQuery = z.object({ isOwned: Flag.optional(), isShared: Flag.optional(), shared: Flag.optional(), assetId: z.uuid().optional() });

function albumId(id: string): string {
  if (!Uuid.safeParse(id).success) throw new BadRequest('Not found or no album.read access');
  return id;
}

/** GET /albums/{id}: the album, and who contributed what once anyone else sees it (Immich's contributorCounts). */
async function albumResponse(ports: Ports, auth: AuthContext, id: string) {
  const album = (await getAlbum(ports.db, id))!;
  const dto = albumDto(album, auth.user?.id);
  return dto.shared ? { ...dto, contributorCounts: await albumContributorCounts(ports.db, id) } : dto;
}

/**
 * The members to add: the owner is left out (Immich drops them silently); every other user
 * must exist.
 */
async function membersToAdd<T extends { userId: string }>(ports: Ports, ownerId: string, users: T[]): Promise<T[]> {
  const members = users.filter((u) => u.userId !== ownerId);
  const existing = await existingUserIds(ports.db, members.map((u) => u.userId));
  if (members.some((u) => !existing.has(u.userId))) throw new BadRequest('Invalid user');
  return members;
}

/**
 * Adds what the requester may share; reports per id like Immich: `duplicate` for one already in
 * the album or named twice, `no_permission` for one they may not share.
 */
async function addAssets(ports: Ports, auth: AuthContext, id: string, ids: string[]) {
  const readable = await shareableAssetIds(ports.db, auth, ids);
  const added = await addAlbumAssets(ports.db, id, [...readable], auth.user.id);
  return ids.map((assetId) => {
    if (added.delete(assetId)) return { id: assetId, success: true };
    return { id: assetId, success: false, error: readable.has(assetId) ? 'duplicate' : 'no_permission' };
  });
}

export const albumRoutes = new Hono<ApiEnv>()
  .get('/albums', authenticate, async (c) => {
    const q = ListQuery.parse(c.req.query());
    const me = c.var.auth.user.id;
    const albums = await listAlbums(c.var.ports.db, me, { isOwned: q.isOwned, isShared: q.isShared ?? q.shared, assetId: q.assetId });
    return c.json(albums.map((album) => albumDto(album, me)));
  })
  .post('/albums', authenticate, async (c) => {
    const body = await jsonBody(c, AlbumCreate);
    const { ports } = c.var;
    const { user } = c.var.auth;
    const members = await membersToAdd(ports, user.id, body.albumUsers);
    const readable = await shareableAssetIds(ports.db, c.var.auth, body.assetIds);
    if (body.assetIds.some((id) => !readable.has(id))) throw new BadRequest('Not found or no asset.share access');
    const id = await insertAlbum(ports.db, {
      ownerId: user.id,
      name: body.albumName,
      description: body.description,
      assetIds: [...new Set(body.assetIds)],
      users: members,
    });
    await notifyAlbumInvite(ports.db, { id, name: body.albumName }, user.name, members.map((m) => m.userId));
    return c.json(albumDto((await getAlbum(ports.db, id))!, user.id), 201);
  })
  .get('/albums/statistics', authenticate, async (c) => c.json(await albumStatistics(c.var.ports.db, c.var.auth.user.id)))
  .put('/albums/assets', authenticate, async (c) => {
    const body = await jsonBody(c, AlbumsAssets);
    const { ports } = c.var;
    for (const id of body.albumIds) await requireAlbumRole(ports.db, c.var.auth, id, 'editor', 'albumAsset.create');
    const results = await Promise.all(body.albumIds.map((id) => addAssets(ports, c.var.auth, id, body.assetIds)));
    const success = results.flat().some((r) => r.success);
    return c.json({ success, error: success ? undefined : 'duplicate' });
  })
  .get('/albums/:id', authenticateOrSharedLink, async (c) => {
    const id = albumId(c.req.param('id'));
    await requireAlbumRole(c.var.ports.db, c.var.auth, id, 'viewer');
    return c.json(await albumResponse(c.var.ports, c.var.auth, id));
  })
  .patch('/albums/:id', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const body = await jsonBody(c, AlbumUpdate);
    const { db } = c.var.ports;
    // Editors may rename and describe an album too, as in Immich 3.
    await requireAlbumRole(db, c.var.auth, id, 'editor', 'album.update');
    if (body.albumThumbnailAssetId && !(await albumHasAsset(db, id, body.albumThumbnailAssetId))) {
      throw new BadRequest('The album cover must be an asset in the album');
    }
    await updateAlbum(db, id, {
      name: body.albumName,
      description: body.description,
      thumbnailAssetId: body.albumThumbnailAssetId,
      isActivityEnabled: body.isActivityEnabled,
      order: body.order,
    });
    return c.json(albumDto((await getAlbum(db, id))!, c.var.auth.user.id));
  })
  .delete('/albums/:id', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    await requireAlbumRole(c.var.ports.db, c.var.auth, id, 'owner', 'album.delete');
    await deleteAlbum(c.var.ports.db, id);
    return c.body(null, 204);
  })
  .put('/albums/:id/assets', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const { ids } = await jsonBody(c, AlbumAssets);
    await requireAlbumRole(c.var.ports.db, c.var.auth, id, 'editor', 'albumAsset.create');
    return c.json(await addAssets(c.var.ports, c.var.auth, id, ids));
  })
  .delete('/albums/:id/assets', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const { ids } = await jsonBody(c, AlbumAssets);
    const { db } = c.var.ports;
    const role = await requireAlbumRole(db, c.var.auth, id, 'editor', 'albumAsset.delete');
    const { removed, kept } = await removeAlbumAssets(db, id, [...new Set(ids)], { userId: c.var.auth.user.id, isOwner: role === 'owner' });
    // Immich's BulkIdResponseDto per id named: not_found once gone (or named again), no_permission for what stays.
    return c.json(
      ids.map((assetId) => {
        if (removed.delete(assetId)) return { id: assetId, success: true };
        return { id: assetId, success: false, error: kept.has(assetId) ? 'no_permission' : 'not_found' };
      }),
    );
  })
  .put('/albums/:id/users', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const { albumUsers } = await jsonBody(c, AlbumUsersAdd);
    const { ports } = c.var;
    await requireAlbumRole(ports.db, c.var.auth, id, 'owner', 'album.share');
    const members = await membersToAdd(ports, c.var.auth.user.id, albumUsers);
    const before = (await getAlbum(ports.db, id))!;
    if (members.length > 0) await upsertAlbumUsers(ports.db, id, members);
    const invited = members.map((m) => m.userId).filter((userId) => !before.albumUsers.some((m) => m.user.id === userId));
    await notifyAlbumInvite(ports.db, { id, name: before.name }, c.var.auth.user.name, invited);
    return c.json(albumDto((await getAlbum(ports.db, id))!, c.var.auth.user.id));
  })
  .put('/albums/:id/user/:userId', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const { role } = await jsonBody(c, AlbumUserRole);
    const { db } = c.var.ports;
    await requireAlbumRole(db, c.var.auth, id, 'owner', 'album.share');
    const userId = c.req.param('userId');
    const album = (await getAlbum(db, id))!;
    if (!album.albumUsers.some((m) => m.user.id === userId)) throw new BadRequest('Not found: that user is not a member of this album');
    await upsertAlbumUsers(db, id, [{ userId, role }]);
    return c.body(null, 204);
  })
  .delete('/albums/:id/user/:userId', authenticate, async (c) => {
    const id = albumId(c.req.param('id'));
    const { db } = c.var.ports;
    const me = c.var.auth.user.id;
    const userId = c.req.param('userId') === 'me' ? me : c.req.param('userId');
    const role = await requireAlbumRole(db, c.var.auth, id, 'viewer');
    if (userId !== me && role !== 'owner') throw new BadRequest('Not found or no album.share access');
    if (userId === me && role === 'owner') throw new BadRequest('The owner cannot leave their own album; delete it instead');
    if (!Uuid.safeParse(userId).success || !(await removeAlbumUser(db, id, userId))) {
      throw new BadRequest('Not found: that user is not a member of this album');
    }
    return c.body(null, 204);
  });
