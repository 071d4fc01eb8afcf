import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { requireAlbumRole, shareableAssetIds } from '../../core/access/access.js';
import { albumAssetIds, getAlbum } from '../../core/albums/album-queries.js';
import { getAssets, getExif } from '../../core/assets/asset-queries.js';
import { PasswordThrottle } from '../../core/auth/login-throttle.js';
import { hashPassword, verifyPassword } from '../../core/auth/password.js';
import { BadRequest, Forbidden, TooManyRequests, Unauthorized } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, SHARED_LINK_COOKIE, sharedLinkToken } from '../../core/http/authenticate.js';
import { DateInput, jsonBody } from '../../core/http/validate.js';
import { clientAddress, requestIsHttps } from '../../core/http/request-origin.js';
import type { Ports } from '../../core/runtime/ports.js';
import {
  changeSharedLinkAssets,
  deleteSharedLink,
  getSharedLink,
  insertSharedLink,
  listSharedLinks,
  sharedLinkAssetIds,
  sharedLinkByKey,
  sharedLinkBySlug,
  updateSharedLink,
  type SharedLink,
} from '../../core/sharing/shared-link.js';
import { albumDto, assetDtoFor, showsMetadata } from './dto.js';

const Options = {
  description: z.string().max(10_000).nullable().optional(),
  password: z.string().min(1).max(1024).nullable().optional(),
  expiresAt: DateInput.nullable().optional(),
  allowUpload: z.boolean().optional(),
  allowDownload: z.boolean().optional(),
  showMetadata: z.boolean().optional(),
  /** Immich's slug: the link also opens at /s/{slug}. An empty one is none. */
  slug: z
    .string()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9_-]*$/, 'slug may hold only letters, digits, - and _')
    .nullable()
    .optional()
    .transform((v) => (v === '' ? null : v)),
};
export const SharedLinkCreate = z.object({ type: z.enum(['ALBUM', 'INDIVIDUAL']), albumId: z.uuid().optional(), assetIds: z.array(z.uuid()).max(10_000).optional(), ...Options });
export const SharedLinkEdit = z.strictObject(Options);
export const SharedLinkAssets = z.object({ assetIds: z.array(z.uuid()).min(1).max(10_000) });
/** Immich's SharedLinkLoginDto. */
export const SharedLinkLogin = z.object({ password: z.string().min(1).max(1024) });
const LoginQuery = z.object({ key: z.string().max(128).optional(), slug: z.string().max(100).optional() });
const MeQuery = z.object({ key: z.string().max(128).optional(), slug: z.string().max(100).optional(), password: z.string().max(1024).optional(), token: z.string().max(128).optional() });

/** Wrong passwords are counted per link: a link's password cannot be guessed at network speed. */
const passwordThrottle = new PasswordThrottle();

async function linkResponse(ports: Ports, link: SharedLink, opts: { withAssets: boolean; forHolder: boolean }) {
  const ids = !opts.withAssets ? [] : link.albumId ? await albumAssetIds(ports.db, link.albumId, 'desc') : await sharedLinkAssetIds(ports.db, link.id);
  const assets = await getAssets(ports.db, ids);
  const viewer = opts.forHolder ? { sharedLink: link } : {};
  const exif = showsMetadata(viewer) ? await getExif(ports.db, assets.map((a) => a.id)) : new Map();
  const album = link.albumId ? await getAlbum(ports.db, link.albumId) : undefined;
  return {
    id: link.id,
    key: link.key,
    type: link.type,
    userId: link.ownerId,
    description: link.description,
    slug: link.slug,
    // Never the password itself: only whether there is one.
    password: null,
    hasPassword: link.passwordHash !== null,
    createdAt: link.createdAt.toISOString(),
    expiresAt: link.expiresAt?.toISOString() ?? null,
    allowUpload: link.allowUpload,
    allowDownload: link.allowDownload,
    showMetadata: link.showMetadata,
    album: album ? albumDto(album) : undefined,
    assets: assets.map((a) => assetDtoFor(viewer, a, exif.get(a.id))),
  };
}

/** A slug another link already has: Immich's message. */
function slugTaken(error: { code?: string; constraint?: string }): never {
  if (error.code === '23505') throw new BadRequest('Shared link with this slug already exists');
  throw error;
}

function linkId(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new BadRequest('Not found or no sharedLink.read access');
  return id;
}

/** The link a key (or slug) names, unless it has expired (an unknown key looks the same). */
async function openLink(c: Context<ApiEnv>, by: { key?: string; slug?: string }): Promise<SharedLink> {
  const link = by.key !== undefined ? await sharedLinkByKey(c.var.ports.db, by.key) : by.slug !== undefined ? await sharedLinkBySlug(c.var.ports.db, by.slug) : undefined;
  if (!link || (link.expiresAt && link.expiresAt <= c.var.ports.clock.now())) throw new Unauthorized('Invalid share key');
  return link;
}

/**
 * Checks a link's password, throttled per client and link as logins are, and on success sets
 * the cookie that stands for it (a day; the token also comes back for clients without cookies).
 */
async function unlockLink(c: Context<ApiEnv>, link: SharedLink, password: string): Promise<void> {
  const now = c.var.ports.clock.now().getTime();
  const client = clientAddress(c, c.var.ports.config);
  const wait = passwordThrottle.retryAfterMs(client, link.id, now);
  if (wait > 0) throw new TooManyRequests(`Too many wrong passwords; try again in ${Math.ceil(wait / 60_000)} minutes`);
  if (!(await verifyPassword(password, link.passwordHash!))) {
    passwordThrottle.recordFailure(client, link.id, now);
    throw new Unauthorized('Invalid password');
  }
  passwordThrottle.recordSuccess(client, link.id);
  setCookie(c, SHARED_LINK_COOKIE, sharedLinkToken(link), { httpOnly: true, sameSite: 'Lax', secure: requestIsHttps(c, c.var.ports.config), path: '/', maxAge: 24 * 3600 });
}

export const sharedLinkRoutes = new Hono<ApiEnv>()
  // The routes for link holders: open the link (checking its password when it has one), or log in to it.
  .get('/shared-links/me', async (c) => {
    const q = MeQuery.parse(c.req.query());
    if (q.key === undefined && q.slug === undefined) {
      // Immich: this route is for a link's holder; a signed-in user without one is refused.
      await authenticate(c, async () => undefined);
      throw new Forbidden('This endpoint is for a shared link: ?key= or ?slug=');
    }
    const link = await openLink(c, q);
    if (link.passwordHash && (q.token ?? getCookie(c, SHARED_LINK_COOKIE)) !== sharedLinkToken(link)) {
      if (q.password === undefined) throw new Unauthorized('Password required');
      await unlockLink(c, link, q.password);
    }
    const body = await linkResponse(c.var.ports, link, { withAssets: true, forHolder: true });
    return c.json({ ...body, key: link.key, token: link.passwordHash ? sharedLinkToken(link) : undefined });
  })
  // Immich 3's way in to a link with a password: the password in the body, a cookie back.
  .post('/shared-links/login', async (c) => {
    const query = LoginQuery.parse(c.req.query());
    const { password } = await jsonBody(c, SharedLinkLogin);
    const link = await openLink(c, query);
    if (!link.passwordHash) throw new BadRequest('Shared link is not password protected');
    await unlockLink(c, link, password);
    const body = await linkResponse(c.var.ports, link, { withAssets: true, forHolder: true });
    return c.json({ ...body, key: link.key, token: sharedLinkToken(link) }, 201);
  })
  // Managing links is for their owner: a link's holder (?key=, ?slug=) may not.
  .use('/shared-links/*', async (c, next) => {
    if (c.req.query('key') !== undefined || c.req.query('slug') !== undefined) throw new Forbidden('A shared link cannot manage shared links');
    await next();
  })
  .use('/shared-links', authenticate)
  .use('/shared-links/*', authenticate)
  .get('/shared-links', async (c) => {
    const albumId = c.req.query('albumId');
    const links = await listSharedLinks(c.var.ports.db, c.var.auth.user.id, albumId && z.uuid().safeParse(albumId).success ? albumId : undefined);
    // Immich lists an individual link with its assets, an album link with the album only.
    return c.json(await Promise.all(links.map((l) => linkResponse(c.var.ports, l, { withAssets: l.type === 'INDIVIDUAL', forHolder: false }))));
  })
  .post('/shared-links', async (c) => {
    const body = await jsonBody(c, SharedLinkCreate);
    const { ports } = c.var;
    // Immich's messages: an album link needs its album, an individual link its assets, and nothing else.
    if (body.type === 'ALBUM' && (!body.albumId || body.assetIds)) throw new BadRequest('Invalid albumId');
    if (body.type === 'INDIVIDUAL' && (body.albumId || !body.assetIds?.length)) throw new BadRequest('Invalid assetIds');
    const assetIds = [...new Set(body.assetIds ?? [])];
    if (body.albumId) await requireAlbumRole(ports.db, c.var.auth, body.albumId, 'owner', 'album.share');
    const shareable = await shareableAssetIds(ports.db, c.var.auth, assetIds);
    if (assetIds.some((id) => !shareable.has(id))) throw new BadRequest('Not found or no asset.share access');
    const link = await insertSharedLink(ports.db, {
      ownerId: c.var.auth.user.id,
      key: randomBytes(32).toString('base64url'),
      type: body.type,
      albumId: body.albumId ?? null,
      description: body.description ?? null,
      passwordHash: body.password ? await hashPassword(body.password) : null,
      expiresAt: body.expiresAt ?? null,
      allowUpload: body.allowUpload ?? false,
      allowDownload: body.allowDownload ?? true,
      showMetadata: body.showMetadata ?? true,
      slug: body.slug ?? null,
      assetIds,
    }).catch(slugTaken);
    return c.json(await linkResponse(ports, link, { withAssets: true, forHolder: false }), 201);
  })
  .get('/shared-links/:id', async (c) => {
    const link = await getSharedLink(c.var.ports.db, c.var.auth.user.id, linkId(c.req.param('id')));
    if (!link) throw new BadRequest('Shared link not found');
    return c.json(await linkResponse(c.var.ports, link, { withAssets: true, forHolder: false }));
  })
  .patch('/shared-links/:id', async (c) => {
    const body = await jsonBody(c, SharedLinkEdit);
    const { password, ...rest } = body;
    const change = { ...rest, ...(password !== undefined ? { passwordHash: password ? await hashPassword(password) : null } : {}) };
    const link = await updateSharedLink(c.var.ports.db, c.var.auth.user.id, linkId(c.req.param('id')), change).catch(slugTaken);
    if (!link) throw new BadRequest('Not found or no sharedLink.update access');
    return c.json(await linkResponse(c.var.ports, link, { withAssets: false, forHolder: false }));
  })
  .delete('/shared-links/:id', async (c) => {
    if (!(await deleteSharedLink(c.var.ports.db, c.var.auth.user.id, linkId(c.req.param('id'))))) {
      throw new BadRequest('Not found or no sharedLink.delete access');
    }
    return c.body(null, 204);
  })
  .on(['PUT', 'DELETE'], '/shared-links/:id/assets', async (c) => {
    const { assetIds } = await jsonBody(c, SharedLinkAssets);
    const { db } = c.var.ports;
    const link = await getSharedLink(db, c.var.auth.user.id, linkId(c.req.param('id')));
    if (!link) throw new BadRequest('Not found or no sharedLink.update access');
    // Immich's message: an album link's assets are the album's; change the album instead.
    if (link.type !== 'INDIVIDUAL') throw new BadRequest('Invalid shared link type');
    const add = c.req.method === 'PUT';
    const allowed = add ? await shareableAssetIds(db, c.var.auth, assetIds) : new Set(assetIds);
    const changed = await changeSharedLinkAssets(db, link.id, [...allowed], add);
    return c.json(
      assetIds.map((assetId) =>
        changed.has(assetId)
          ? { assetId, success: true }
          : { assetId, success: false, error: !allowed.has(assetId) ? 'no_permission' : add ? 'duplicate' : 'not_found' },
      ),
    );
  });
