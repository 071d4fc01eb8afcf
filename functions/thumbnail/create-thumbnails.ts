import { getAsset } from '../../core/assets/asset-queries.js';
import { derivedKey } from '../../core/assets/object-keys.js';
import { readOriginal, withOriginalFile } from '../../core/assets/original-files.js';
import { extractPoster } from '../../core/media/video-frames.js';
import { isCameraRaw, rawPicture } from '../../core/media/raw-preview.js';
import { recordStageFailure, recordThumbnails } from '../../core/assets/stage-outcomes.js';
import { isShoeboxError } from '../../core/errors.js';
import type { ThumbnailJob } from '../../core/jobs.js';
import { DEFAULT_THUMBNAIL_SETTINGS, renderThumbnails, type RenderedThumbnails } from '../../core/media/render-thumbnails.js';
import type { Ports } from '../../core/runtime/ports.js';
import { ownDecoder } from '../../core/media/image-decoders.js';
import { readAll } from '../../core/ports/object-store.js';
import { applyPictureEdits, readPictureEdits } from '../../core/assets/picture-edits.js';

export const STAGE = 'thumbnail';
/** RAW, HEIF, JPEG XL and BMP are read into memory for their decoders; a few to a hundred MB. */
const MAX_HELD_BYTES = 256 * 1024 * 1024;

/**
 * Renders the WebP thumbnail, JPEG preview and thumbhash of a verified image. Output keys
 * are fixed per asset, so a repeated job overwrites instead of duplicating.
 */
export async function createThumbnails(job: ThumbnailJob, ports: Ports): Promise<void> {
  const { db, store, config } = ports;
  const asset = await getAsset(db, job.assetId);
  // Deleted, or re-uploaded with other bytes since the job was queued: nothing to do.
  if (!asset || asset.checksum?.toString('hex') !== job.checksum) return;
  const checksum = Buffer.from(job.checksum, 'hex');

  let rendered: RenderedThumbnails;
  let editedSize: { width: number; height: number } | undefined;
  try {
    const settings = { ...DEFAULT_THUMBNAIL_SETTINGS, maxPixels: config.maxImagePixels };
    const decoder = ownDecoder(asset.originalMimeType);
    let picture: Parameters<typeof renderThumbnails>[0];
    let size: { width: number | null; height: number | null } | undefined;
    if (asset.type === 'VIDEO') picture = await withOriginalFile(ports, asset, (file) => extractPoster(file, asset.durationMs));
    else if (isCameraRaw(asset.originalMimeType)) picture = await rawPicture(await readAll(await readOriginal(ports, asset), MAX_HELD_BYTES), config.maxImagePixels);
    else if (decoder) picture = await decoder.decode(await readAll(await readOriginal(ports, asset), MAX_HELD_BYTES), config.maxImagePixels);
    else {
      picture = await readOriginal(ports, asset);
      size = asset;
    }
    // A person's crop, rotation and mirror, applied to the decoded original (which stays as it is).
    const edits = asset.isEdited && asset.type === 'IMAGE' ? await readPictureEdits(db, asset.id) : [];
    if (edits.length > 0) {
      const edited = await applyPictureEdits(picture, edits, config.maxImagePixels);
      editedSize = { width: edited.width, height: edited.height };
      rendered = await renderThumbnails(edited, settings, editedSize);
    } else {
      rendered = await renderThumbnails(picture, settings, size);
    }
  } catch (error) {
    if (!isShoeboxError(error)) throw error;
    await recordStageFailure(db, asset.id, STAGE, checksum, error.message);
    return;
  }

  const thumbnailKey = derivedKey(asset.ownerId, asset.id, 'thumbnail', 'webp');
  const previewKey = derivedKey(asset.ownerId, asset.id, 'preview', 'jpeg');
  await store.write(thumbnailKey, rendered.thumbnail.data, 'image/webp');
  await store.write(previewKey, rendered.preview.data, 'image/jpeg');
  await recordThumbnails(
    db,
    asset.id,
    [
      { type: 'thumbnail', path: thumbnailKey, ...sizeOf(rendered.thumbnail) },
      { type: 'preview', path: previewKey, ...sizeOf(rendered.preview) },
    ],
    rendered.thumbhash,
    checksum,
  );
  // The timeline lays an edited picture out by its edited shape.
  if (editedSize) await db.query('UPDATE assets SET width = $2, height = $3, updated_at = now() WHERE id = $1 AND is_edited', [asset.id, editedSize.width, editedSize.height]);
  // Smart search and faces read the preview just made.
  const next = JSON.stringify({ assetId: asset.id, checksum: job.checksum });
  await ports.queue.send('embed', [next]);
  await ports.queue.send('faces', [next]);
}


function sizeOf(image: { data: Buffer; width: number; height: number }) {
  return { width: image.width, height: image.height, sizeBytes: image.data.length };
}
