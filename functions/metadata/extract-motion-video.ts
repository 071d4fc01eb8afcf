import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { linkLivePhoto } from '../../core/assets/asset-edits.js';
import { findByChecksums, insertUploadingAssets } from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { originalKey } from '../../core/assets/object-keys.js';
import { embeddedMotionVideo } from '../../core/media/motion-photo.js';
import type { Ports } from '../../core/runtime/ports.js';

const UPLOAD_SESSION_SECONDS = 24 * 3600;

/**
 * A motion photo's video becomes an asset of its own — hidden, linked to the still like an
 * iPhone live photo's MOV — stored as an original under its own key, so the same stages
 * (metadata, poster, transcode) run on it. The photo's file is only read. Run again, it
 * finds the video it made before (by checksum) instead of making another.
 */
export async function extractMotionVideo(ports: Ports, still: Asset, file: Buffer): Promise<void> {
  if (still.livePhotoVideoId) return;
  const video = embeddedMotionVideo(file);
  if (!video) return;
  const { db, store, clock } = ports;
  const checksum = createHash('sha1').update(video).digest();
  let videoId = (await findByChecksums(db, still.ownerId, [checksum]))[0]?.id;
  if (!videoId) {
    const id = randomUUID();
    const key = originalKey(still.ownerId, id, '.mp4');
    const [inserted] = await insertUploadingAssets(db, [
      {
        asset: {
          id,
          ownerId: still.ownerId,
          type: 'VIDEO',
          originalPath: key,
          originalFileName: `${path.parse(still.originalFileName).name}.MP4`,
          originalMimeType: 'video/mp4',
          checksum,
          fileSizeBytes: video.length,
          fileCreatedAt: still.fileCreatedAt,
          fileModifiedAt: still.fileModifiedAt,
          deviceAssetId: null,
          deviceId: null,
          isFavorite: false,
          visibility: 'hidden',
        },
        session: { expectedSize: video.length, expiresAt: new Date(clock.now().getTime() + UPLOAD_SESSION_SECONDS * 1000) },
      },
    ]);
    // Another delivery of this job made it a moment ago.
    if (!inserted) videoId = (await findByChecksums(db, still.ownerId, [checksum]))[0]?.id;
    else {
      await store.write(key, video, 'video/mp4');
      videoId = id;
    }
  }
  if (videoId) await linkLivePhoto(db, still.id, videoId);
}
