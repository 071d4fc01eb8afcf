import { createHash } from 'node:crypto';
import { getAsset } from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { parseOriginalKey } from '../../core/assets/object-keys.js';
import { recordMetadata, recordStageFailure } from '../../core/assets/stage-outcomes.js';
import { isShoeboxError } from '../../core/errors.js';
import { ThumbnailJob } from '../../core/jobs.js';
import { captureDateFromInstant } from '../../core/media/capture-date.js';
import { DETECTION_BYTES, detectMediaType, type DetectedMedia } from '../../core/media/detect-type.js';
import { readExif, type ExifReading } from '../../core/media/read-exif.js';
import { readImageHeader, type ImageHeader } from '../../core/media/render-thumbnails.js';
import { reverseGeocode, type Place } from '../../core/places/reverse-geocode.js';
import type { Ports } from '../../core/runtime/ports.js';
import type { ObjectCreated } from '../../core/s3-event.js';

export const STAGE = 'metadata';
/** Images up to this size are held in memory for EXIF and header reads; larger files are only hashed. */
const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/**
 * First stage after bytes land: prove they are what the client declared (size, SHA-1,
 * real type by magic bytes), read EXIF, settle the capture date, then queue thumbnails.
 * Bytes that are not what was declared are deleted and the asset says why.
 */
export async function extractMetadata(object: ObjectCreated, ports: Ports): Promise<void> {
  const { db, store, logger } = ports;
  const ids = parseOriginalKey(object.key);
  if (!ids) {
    logger.warn('object-created event outside the originals layout ignored', { key: object.key });
    return;
  }
  const asset = await getAsset(db, ids.assetId);
  if (!asset || asset.originalPath !== object.key) {
    // Its upload was aborted or expired before the bytes arrived: an orphan.
    logger.info('deleting orphaned original', { key: object.key });
    await store.delete(object.key);
    return;
  }
  const scanned = await scanOriginal(ports, asset);
  if (!scanned) return;
  const detected = await verify(asset, scanned);
  if (!detected.ok) {
    await store.delete(asset.originalPath);
    await recordStageFailure(db, asset.id, STAGE, scanned.sha1, detected.reason);
    return;
  }

  let header: ImageHeader | undefined;
  let headerProblem: string | undefined;
  let reading: ExifReading | undefined;
  if (scanned.buffer) {
    reading = await readExif(scanned.buffer);
    try {
      header = await readImageHeader(scanned.buffer, ports.config.maxImagePixels);
    } catch (error) {
      if (!isShoeboxError(error)) throw error;
      // Formats sharp cannot read yet (HEIC, RAW) still get their EXIF; bombs and wrecks say why.
      if (error.status !== 415) headerProblem = error.message;
    }
  }
  const fileTime = new Date(Math.min(asset.fileCreatedAt.getTime(), asset.fileModifiedAt.getTime()));
  const captureDate = reading?.captureDate ?? captureDateFromInstant(fileTime);

  await recordMetadata(
    db,
    asset.id,
    {
      type: detected.type,
      mime: detected.mime,
      width: header?.width ?? reading?.exif.exifImageWidth ?? null,
      height: header?.height ?? reading?.exif.exifImageHeight ?? null,
      fileSizeBytes: scanned.size,
      ...captureDate,
    },
    reading?.exif ?? null,
    placeOf(reading),
    scanned.sha1,
  );
  if (headerProblem) {
    await recordStageFailure(db, asset.id, STAGE, scanned.sha1, headerProblem);
  } else {
    const job: ThumbnailJob = { assetId: asset.id, checksum: scanned.sha1.toString('hex') };
    await ports.queue.send('thumbnail', [JSON.stringify(job)]);
  }
}

interface ScannedOriginal {
  size: number;
  sha1: Buffer;
  head: Buffer;
  /** The whole file, for images small enough to hold. */
  buffer: Buffer | undefined;
}

/** One pass over the stored bytes: size, SHA-1, the head for type detection, and the body for images. */
async function scanOriginal(ports: Ports, asset: Asset): Promise<ScannedOriginal | undefined> {
  const info = await ports.store.head(asset.originalPath);
  if (!info) return undefined;
  const keep = asset.type === 'IMAGE' && info.size <= MAX_BUFFERED_BYTES;
  const hash = createHash('sha1');
  // Sized up front and filled in place: one copy of the file, not chunks plus their concatenation.
  const kept = Buffer.allocUnsafe(keep ? info.size : DETECTION_BYTES);
  let size = 0;
  for await (const chunk of await ports.store.read(asset.originalPath)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    if (size < kept.length) buf.copy(kept, size, 0, Math.min(buf.length, kept.length - size));
    size += buf.length;
  }
  const filled = kept.subarray(0, Math.min(size, kept.length));
  // A file that grew since head() is caught by the size check in verify().
  return { size, sha1: hash.digest(), head: filled.subarray(0, DETECTION_BYTES), buffer: keep && size === info.size ? filled : undefined };
}

/** The real type of these bytes, or why they cannot be this asset's original. */
async function verify(asset: Asset, scanned: ScannedOriginal): Promise<DetectedMedia> {
  const reject = (reason: string) => ({ ok: false, reason }) as const;
  if (scanned.size === 0) return reject('The file is empty (0 bytes)');
  if (asset.fileSizeBytes !== null && scanned.size !== asset.fileSizeBytes) {
    return reject(`The upload has ${scanned.size} bytes but ${asset.fileSizeBytes} were declared; upload the file again`);
  }
  if (!scanned.sha1.equals(asset.checksum)) {
    return reject('The uploaded bytes do not match the declared SHA-1 checksum; the file changed or was damaged in transit, upload it again');
  }
  return detectMediaType(scanned.head, asset.originalFileName);
}

function placeOf(reading: ExifReading | undefined): Place | undefined {
  const { latitude, longitude } = reading?.exif ?? {};
  return latitude != null && longitude != null ? reverseGeocode(latitude, longitude) : undefined;
}
