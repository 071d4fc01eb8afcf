import { randomUUID } from 'node:crypto';
import { parseSha1 } from '../../core/assets/checksum.js';
import { findByChecksums, reopenUpload } from '../../core/assets/asset-queries.js';
import { originalKey } from '../../core/assets/object-keys.js';
import { getUploadSession, insertUploadSession, type UploadSession } from '../../core/assets/upload-session-queries.js';
import { BadRequest, Conflict, PayloadTooLarge, QuotaExceeded, UnsupportedMedia } from '../../core/errors.js';
import { extensionOf, mediaTypeOfExtension, sanitizeFileName } from '../../core/media/media-types.js';
import type { Ports } from '../../core/runtime/ports.js';
import { objectCreatedMessage } from '../../core/s3-event.js';
import { reserveUpload } from './reserve-upload.js';
import { storageUsage, type User } from '../../core/users/user-queries.js';

export interface UploadRequest {
  fileName: string;
  size: number;
  /** SHA-1 of the whole file, hex or base64. */
  checksum: string;
  fileCreatedAt?: Date;
  fileModifiedAt?: Date;
  deviceAssetId?: string;
  deviceId?: string;
  isFavorite?: boolean;
  visibility?: 'archive' | 'timeline' | 'hidden' | 'locked';
}

export type UploadTarget =
  | { type: 'single'; method: 'PUT'; url: string; expiresAt: string }
  | {
      type: 'multipart';
      uploadId: string;
      partSize: number;
      parts: Array<{ partNumber: number; size: number; url: string }>;
      expiresAt: string;
    };

export type UploadTicket =
  | { id: string; status: 'created' | 'resumed'; upload: UploadTarget }
  | { id: string; status: 'duplicate'; isTrashed: boolean };

const MAX_PARTS = 10_000;

/**
 * Across a trust boundary (a shared link uploading into its owner's library) a declared
 * checksum proves nothing: an existing asset may be answered as the duplicate, or resumed,
 * only when `mayReuse` says the uploader could already read it. Otherwise the upload is refused
 * without naming the asset.
 */
export interface ReusePolicy {
  mayReuse?: (assetId: string) => Promise<boolean>;
}

/**
 * Step one of a presigned upload: dedupe by checksum, reserve the asset, and hand out
 * URL(s) that accept exactly the declared bytes. Asking again for the same checksum
 * while unfinished resumes the same upload with fresh URLs; once all its bytes are stored
 * it is a duplicate, even before processing.
 */
export async function createUpload(ports: Ports, user: User, request: UploadRequest, reuse: ReusePolicy = {}): Promise<UploadTicket> {
  const { config } = ports;
  const fileName = sanitizeFileName(request.fileName);
  const ext = extensionOf(fileName);
  const media = mediaTypeOfExtension(ext);
  if (!media) throw new UnsupportedMedia(`Files of type "${ext || 'without extension'}" are not supported; see GET /api/server/media-types`);
  if (request.size <= 0) throw new BadRequest('The file is empty (0 bytes); there is nothing to upload');
  if (request.size > config.maxUploadBytes) {
    throw new PayloadTooLarge(`The file is ${request.size} bytes; this server accepts at most ${config.maxUploadBytes}`);
  }
  if (config.partSize * MAX_PARTS < request.size) throw new PayloadTooLarge('The file needs more than 10,000 parts');
  const checksum = parseSha1(request.checksum);

  if (user.quotaSizeBytes !== null) {
    // A duplicate costs no quota, so it must be recognised before the quota is checked.
    const existing = await existingUpload(ports, user.id, checksum, reuse);
    if (existing) return existing;
    await assertQuota(ports, user, request.size);
  }

  const id = randomUUID();
  const key = originalKey(user.id, id, ext);
  const now = ports.clock.now();
  const expiresAt = new Date(now.getTime() + config.uploadSessionTtlSeconds * 1000);
  // Insert first, look up only on conflict; concurrent requests share one statement.
  const inserted = await reserveUpload(ports.db, {
    asset: {
      id,
      ownerId: user.id,
      type: media.type,
      originalPath: key,
      originalFileName: fileName,
      originalMimeType: media.mime,
      checksum,
      fileSizeBytes: request.size,
      fileCreatedAt: request.fileCreatedAt ?? request.fileModifiedAt ?? now,
      fileModifiedAt: request.fileModifiedAt ?? request.fileCreatedAt ?? now,
      deviceAssetId: request.deviceAssetId ?? null,
      deviceId: request.deviceId ?? null,
      isFavorite: request.isFavorite ?? false,
      visibility: request.visibility ?? 'timeline',
    },
    session: { expectedSize: request.size, expiresAt },
  });
  if (!inserted) {
    const existing = await existingUpload(ports, user.id, checksum, reuse);
    if (existing) return existing;
    throw new Error(`asset insert for checksum ${checksum.toString('hex')} conflicted but no asset was found`);
  }
  const session = { assetId: id, ownerId: user.id, objectKey: key, expectedSize: request.size, expiresAt, createdAt: now };
  return { id, status: 'created', upload: await issueTarget(ports, { ...session, multipartUploadId: null, partSize: null, partCount: null }) };
}

async function existingUpload(ports: Ports, ownerId: string, checksum: Buffer, reuse: ReusePolicy): Promise<UploadTicket | undefined> {
  const [match] = await findByChecksums(ports.db, ownerId, [checksum]);
  if (!match) return undefined;
  if (reuse.mayReuse && !(await reuse.mayReuse(match.id))) {
    throw new Conflict('This file is already in the library this link uploads to');
  }
  const session = await getUploadSession(ports.db, match.id);
  if (session && (match.status === 'uploading' || match.status === 'failed')) {
    if (match.status === 'uploading') {
      // Its bytes are all in storage (a completed multipart upload, a single PUT) and only
      // processing is pending: nothing to send again. The announcement is repeated in case it
      // was lost; the metadata stage takes a second one as a no-op.
      const object = await ports.store.head(session.objectKey);
      if (object && object.size === session.expectedSize) {
        await ports.queue.send('metadata', [objectCreatedMessage(ports.config.bucket, session.objectKey, object)]);
        return { id: match.id, status: 'duplicate', isTrashed: match.isTrashed };
      }
    }
    if (match.status === 'failed') await reopenUpload(ports.db, match.id);
    return { id: match.id, status: 'resumed', upload: await issueTarget(ports, session) };
  }
  return { id: match.id, status: 'duplicate', isTrashed: match.isTrashed };
}

/** URLs for a session: one signed PUT, or a multipart upload with one signed URL per part. */
async function issueTarget(ports: Ports, session: UploadSession): Promise<UploadTarget> {
  const { config, store } = ports;
  const expiresIn = config.uploadUrlTtlSeconds;
  const expiresAt = new Date(ports.clock.now().getTime() + expiresIn * 1000).toISOString();
  if (session.expectedSize <= config.partSize) {
    const url = await store.presignPut(session.objectKey, { expiresIn, contentLength: session.expectedSize });
    return { type: 'single', method: 'PUT', url, expiresAt };
  }
  let uploadId = session.multipartUploadId;
  const partSize = session.partSize ?? config.partSize;
  const partCount = Math.ceil(session.expectedSize / partSize);
  if (!uploadId) {
    uploadId = await store.createMultipart(session.objectKey);
    await insertUploadSession(ports.db, { ...session, multipartUploadId: uploadId, partSize, partCount });
  }
  const parts = await Promise.all(
    Array.from({ length: partCount }, async (_, index) => {
      const partNumber = index + 1;
      const size = Math.min(partSize, session.expectedSize - index * partSize);
      const url = await store.presignPart(session.objectKey, uploadId, partNumber, { expiresIn, contentLength: size });
      return { partNumber, size, url };
    }),
  );
  return { type: 'multipart', uploadId, partSize, parts, expiresAt };
}

export async function assertQuota(ports: Ports, user: User, bytes: number): Promise<void> {
  if (user.quotaSizeBytes === null) return;
  const used = await storageUsage(ports.db, user.id);
  // Immich's words, which its clients show; the numbers go to the log.
  if (used + bytes > user.quotaSizeBytes) {
    ports.logger.info('upload over quota', { userId: user.id, bytes, used, quota: user.quotaSizeBytes });
    throw new QuotaExceeded('Quota has been exceeded!');
  }
}
