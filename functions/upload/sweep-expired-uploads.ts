import { getAsset } from '../../core/assets/asset-queries.js';
import { deleteUploadSession, expiredUploadSessions, insertUploadSession } from '../../core/assets/upload-session-queries.js';
import type { Ports } from '../../core/runtime/ports.js';
import { objectCreatedMessage } from '../../core/s3-event.js';
import { discardUpload } from './finish-upload.js';

export interface SweepResult {
  discarded: number;
  redelivered: number;
}

const BATCH = 100;
const REDELIVERY_GRACE_SECONDS = 3600;

/**
 * Runs on a timer. An expired upload session is either abandoned (its parts, partial
 * object and reserved asset are removed) or complete but unnoticed — the object-created
 * event was lost — in which case the event is sent again.
 */
export async function sweepExpiredUploads(ports: Ports): Promise<SweepResult> {
  const result: SweepResult = { discarded: 0, redelivered: 0 };
  const now = ports.clock.now();
  for (const session of await expiredUploadSessions(ports.db, now, BATCH)) {
    const asset = await getAsset(ports.db, session.assetId);
    if (asset && asset.status !== 'uploading' && asset.status !== 'failed') {
      await deleteUploadSession(ports.db, session.assetId);
      continue;
    }
    const object = asset?.status === 'uploading' ? await ports.store.head(session.objectKey) : undefined;
    if (object && object.size === session.expectedSize) {
      await ports.queue.send('metadata', [objectCreatedMessage(ports.config.bucket, session.objectKey, object)]);
      await insertUploadSession(ports.db, { ...session, expiresAt: new Date(now.getTime() + REDELIVERY_GRACE_SECONDS * 1000) });
      result.redelivered++;
    } else {
      await discardUpload(ports, session);
      result.discarded++;
    }
  }
  return result;
}
