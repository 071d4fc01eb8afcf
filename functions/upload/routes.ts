import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Hono, type Context } from 'hono';
import { readableAssetIds, requireLinkUploadAccess } from '../../core/access/access.js';
import { z } from 'zod';
import { addAlbumAssets } from '../../core/albums/album-queries.js';
import { BadRequest, Forbidden, NotFound } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, authenticateOrSharedLink } from '../../core/http/authenticate.js';
import type { Queryable } from '../../core/ports/database.js';
import { changeSharedLinkAssets, type SharedLink } from '../../core/sharing/shared-link.js';
import { DateInput, jsonBody, VisibilityInput } from '../../core/http/validate.js';
import { checkBulkUpload } from './check-bulk-upload.js';
import { createUpload, type UploadTicket } from './create-upload.js';
import { requestOrigin } from '../../core/http/request-origin.js';
import { abortUpload, completeUpload, uploadStatus } from './finish-upload.js';
import { receiveAssetUpload } from './receive-asset-upload.js';

export const UploadCreate = z
  .object({
    fileName: z.string().min(1).max(1024).optional(),
    filename: z.string().min(1).max(1024).optional(),
    size: z.number().int().nonnegative(),
    checksum: z.string().max(64),
    fileCreatedAt: DateInput.optional(),
    fileModifiedAt: DateInput.optional(),
    deviceAssetId: z.string().max(255).optional(),
    deviceId: z.string().max(255).optional(),
    isFavorite: z.boolean().optional(),
    visibility: VisibilityInput.optional(),
  })
  .refine((body) => body.fileName ?? body.filename, { message: 'fileName is required' });
export const UploadComplete = z.object({
  parts: z.array(z.object({ partNumber: z.number().int().min(1).max(10_000), etag: z.string().min(1).max(200) })).max(10_000),
});
export const BulkUploadCheck = z.object({
  assets: z.array(z.object({ id: z.string().max(4096), checksum: z.string().max(64) })).max(10_000),
});
const Uuid = z.uuid();

/** A ticket whose URLs are relative (the local store's) made absolute for the client that asked. */
function withOrigin(ticket: UploadTicket, origin: string): UploadTicket {
  if (ticket.status === 'duplicate') return ticket;
  const absolute = (url: string) => (url.startsWith('/') ? `${origin}${url}` : url);
  const upload = ticket.upload;
  return {
    ...ticket,
    upload: upload.type === 'single' ? { ...upload, url: absolute(upload.url) } : { ...upload, parts: upload.parts.map((p) => ({ ...p, url: absolute(p.url) })) },
  };
}

/** The upload named in the path, once the requester (a user, or a link holder) may follow it. */
async function uploadId(c: Context<ApiEnv>): Promise<string> {
  const parsed = Uuid.safeParse(c.req.param('id'));
  if (!parsed.success) throw new NotFound('No such upload');
  await requireLinkUploadAccess(c.var.ports.db, c.var.auth, parsed.data);
  return parsed.data;
}

/** What is uploaded through a link lands in what the link shows: its album, or its own assets. */
async function addToSharedLink(db: Queryable, link: SharedLink, assetId: string): Promise<void> {
  if (link.albumId) await addAlbumAssets(db, link.albumId, [assetId], link.ownerId);
  else await changeSharedLinkAssets(db, link.id, [assetId], true);
}

/**
 * Getting bytes in: Shoebox's presigned uploads (`/uploads`: ask, PUT to the URL(s),
 * complete multipart) beside Immich's multipart `POST /assets` and bulk-upload-check.
 */
export const uploadRoutes = new Hono<ApiEnv>()
  // A shared link that allows uploads lets its holders add to it: the files become its owner's.
  .use('/uploads', authenticateOrSharedLink)
  .use('/uploads/*', authenticateOrSharedLink)
  .post('/uploads', async (c) => {
    const body = await jsonBody(c, UploadCreate);
    const link = c.var.auth.sharedLink;
    if (link && !link.allowUpload) throw new Forbidden('This shared link does not allow uploads');
    const { db } = c.var.ports;
    const auth = c.var.auth;
    const ticket = await createUpload(c.var.ports, auth.user, { ...body, fileName: (body.fileName ?? body.filename)! }, {
      mayReuse: link ? async (id) => (await readableAssetIds(db, auth, [id])).has(id) : undefined,
    });
    if (link) await addToSharedLink(c.var.ports.db, link, ticket.id);
    return c.json(withOrigin(ticket, requestOrigin(c, c.var.ports.config)), ticket.status === 'duplicate' ? 200 : 201);
  })
  .get('/uploads/:id', async (c) => c.json(await uploadStatus(c.var.ports, c.var.auth.user, await uploadId(c))))
  .post('/uploads/:id/complete', async (c) => {
    const id = await uploadId(c);
    const body = await jsonBody(c, UploadComplete);
    return c.json(await completeUpload(c.var.ports, c.var.auth.user, id, body.parts));
  })
  .delete('/uploads/:id', async (c) => {
    await abortUpload(c.var.ports, c.var.auth.user, await uploadId(c));
    return c.body(null, 204);
  })
  .post('/assets', authenticate, async (c) => {
    const raw = c.req.raw;
    if (!raw.body) throw new BadRequest('Expected a multipart/form-data body with an assetData file');
    const result = await receiveAssetUpload(c.var.ports, c.var.auth.user, {
      headers: Object.fromEntries(raw.headers),
      body: Readable.fromWeb(raw.body as WebReadableStream<Uint8Array>),
      checksumHeader: c.req.header('x-immich-checksum'),
    });
    return c.json(result, result.status === 'created' ? 201 : 200);
  })
  .post('/assets/bulk-upload-check', authenticate, async (c) => {
    const body = await jsonBody(c, BulkUploadCheck);
    return c.json({ results: await checkBulkUpload(c.var.ports, c.var.auth.user, body.assets) });
  });
