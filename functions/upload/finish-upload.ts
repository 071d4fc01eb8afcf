import { deleteAssetRows, getAsset } from '../../core/assets/asset-queries.js';
import { getUploadSession, type UploadSession } from '../../core/assets/upload-session-queries.js';
import { BadRequest, Conflict, NotFound } from '../../core/errors.js';
import type { CompletedPart } from '../../core/ports/object-store.js';
import type { Ports } from '../../core/runtime/ports.js';
import type { User } from '../../core/users/user-queries.js';
import { objectCreatedMessage } from '../../core/s3-event.js';

export interface UploadStatus {
  id: string;
  status: 'uploading' | 'processing' | 'ready' | 'failed';
  failedReason: string | null;
}

/** Where an upload stands; other users' ids read as not found. */
export async function uploadStatus(ports: Ports, user: User, assetId: string): Promise<UploadStatus> {
  const asset = await getAsset(ports.db, assetId);
  if (!asset || asset.ownerId !== user.id) throw new NotFound('No such upload');
  return { id: asset.id, status: asset.status, failedReason: asset.failedReason };
}

/**
 * Joins the uploaded parts into the original; the store then raises ObjectCreated. Asking
 * again once the upload is over (or after the metadata stage already took a single PUT)
 * answers where it stands: completing is idempotent.
 */
export async function completeUpload(ports: Ports, user: User, assetId: string, parts: CompletedPart[]): Promise<UploadStatus> {
  // Completing twice is not an error (a client retrying after a lost answer, or two workers
  // finishing one resumed upload): once received, the answer is the upload's status.
  const received = async () => {
    const asset = await getAsset(ports.db, assetId);
    return asset !== undefined && asset.ownerId === user.id && asset.status !== 'uploading';
  };
  const session = await getUploadSession(ports.db, assetId);
  if (!session || session.ownerId !== user.id) {
    if (await received()) return uploadStatus(ports, user, assetId);
    throw new NotFound('No such upload in progress (finished, aborted or expired)');
  }
  if (!session.multipartUploadId) {
    // A single PUT completes by itself where the store announces new objects. Where it
    // cannot (an S3-compatible server without notifications), this announces it; a second
    // announcement of the same object is a no-op for the metadata stage.
    const object = await ports.store.head(session.objectKey);
    if (!object) throw new BadRequest('The file has not been uploaded yet: PUT it to the upload URL first');
    await ports.queue.send('metadata', [objectCreatedMessage(ports.config.bucket, session.objectKey, object)]);
    return uploadStatus(ports, user, assetId);
  }
  if (parts.length !== session.partCount) {
    throw new BadRequest(`This upload has ${session.partCount} parts; ${parts.length} were listed`);
  }
  try {
    await ports.store.completeMultipart(session.objectKey, session.multipartUploadId, parts);
  } catch (error) {
    // Another call completed it between our read and now: its parts are assembled and gone.
    if ((await received()) || (await ports.store.head(session.objectKey))) return uploadStatus(ports, user, assetId);
    throw error;
  }
  return uploadStatus(ports, user, assetId);
}

/** Cancels an unfinished upload: parts, partial object and the reserved asset go. */
export async function abortUpload(ports: Ports, user: User, assetId: string): Promise<void> {
  const session = await ownedSession(ports, user, assetId);
  const asset = await getAsset(ports.db, assetId);
  if (asset && asset.status !== 'uploading' && asset.status !== 'failed') {
    throw new Conflict('This upload has already been received; delete the asset instead');
  }
  await discardUpload(ports, session);
}

/** Removes every trace of an upload that will never finish. Safe to repeat. */
export async function discardUpload(ports: Ports, session: UploadSession): Promise<void> {
  if (session.multipartUploadId) await ports.store.abortMultipart(session.objectKey, session.multipartUploadId);
  await ports.store.delete(session.objectKey);
  await deleteAssetRows(ports.db, [session.assetId]);
}

async function ownedSession(ports: Ports, user: User, assetId: string): Promise<UploadSession> {
  const session = await getUploadSession(ports.db, assetId);
  if (!session || session.ownerId !== user.id) throw new NotFound('No such upload in progress (finished, aborted or expired)');
  return session;
}
