import { createHash } from 'node:crypto';
import { getAsset } from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { pairLivePhoto } from '../../core/assets/asset-edits.js';
import { extractMotionVideo } from './extract-motion-video.js';
import { isLibraryFile, originalSize, readOriginal, withOriginalFile } from '../../core/assets/original-files.js';
import { parseOriginalKey } from '../../core/assets/object-keys.js';
import { recordMetadata, recordStageFailure } from '../../core/assets/stage-outcomes.js';
import { isShoeboxError } from '../../core/errors.js';
import { ThumbnailJob, type LibraryFileJob } from '../../core/jobs.js';
import { captureDateFromFileName, captureDateFromInstant, captureDateFromTags } from '../../core/media/capture-date.js';
import { DETECTION_BYTES, detectMediaType, type DetectedMedia } from '../../core/media/detect-type.js';
import { EMPTY_EXIF, readExif, type ExifReading } from '../../core/media/read-exif.js';
import { decodeXmpBytes, readXmpSidecar, type SidecarReading } from '../../core/media/xmp-sidecar.js';
import { readAll } from '../../core/ports/object-store.js';
import { ownDecoder } from '../../core/media/image-decoders.js';
import { probeVideo, type VideoInfo } from '../../core/media/probe-video.js';
import { readRawExif } from '../../core/media/raw-metadata.js';
import { isCameraRaw } from '../../core/media/raw-preview.js';
import { readImageHeader, type ImageHeader } from '../../core/media/render-thumbnails.js';
import { reverseGeocode, type Place } from '../../core/places/reverse-geocode.js';
import type { Ports } from '../../core/runtime/ports.js';
import { applyFileTags } from '../../core/tags/tags.js';
import { runWorkflows, workflowsForMetadataRead } from '../../core/workflows/workflows.js';
import type { ObjectCreated } from '../../core/s3-event.js';

export const STAGE = 'metadata';
/** Images up to this size are held in memory for EXIF and header reads; larger files are only hashed. */
const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;
const MAX_SIDECAR_BYTES = 1024 * 1024;

/** An uploaded original (S3 event) or an external-library file the scan found new or changed. */
export type MetadataJob = ObjectCreated | LibraryFileJob;

/**
 * First stage after bytes land: prove they are what the client declared (size, SHA-1,
 * real type by magic bytes), read EXIF (and a library file's XMP sidecar), settle the
 * capture date, then queue thumbnails. Uploaded bytes that are not what was declared are
 * deleted and the asset says why; a library file is never touched, only described.
 */
export async function extractMetadata(job: MetadataJob, ports: Ports): Promise<void> {
  const { db } = ports;
  const asset = 'key' in job ? await uploadedAsset(job, ports) : await getAsset(db, job.assetId);
  // By id: a library file, or an upload whose bytes are all here (a re-read asked for by its owner).
  if (!asset || ('assetId' in job && !isLibraryFile(asset) && asset.status === 'uploading')) return;
  const scanned = await scanOriginal(ports, asset);
  if (!scanned) return;
  const detected = await verify(asset, scanned);
  if (!detected.ok) {
    if (!isLibraryFile(asset)) await ports.store.delete(asset.originalPath);
    await recordStageFailure(db, asset.id, STAGE, scanned.sha1, detected.reason);
    return;
  }

  let header: ImageHeader | undefined;
  let headerProblem: string | undefined;
  let reading: ExifReading | undefined;
  if (scanned.buffer) {
    reading = await readExif(scanned.buffer);
    // CR3, RAF and friends keep their EXIF where exifr does not look.
    if (isCameraRaw(detected.mime) && !reading.exif.make) reading = (await readRawExif(scanned.buffer)) ?? reading;
    try {
      // A RAW file's size is the sensor's, from its EXIF; its TIFF header describes a thumbnail.
      const decoder = ownDecoder(detected.mime);
      if (decoder) header = { format: decoder.format, orientation: undefined, ...(await decoder.size(scanned.buffer)) };
      else if (!isCameraRaw(detected.mime)) header = await readImageHeader(scanned.buffer, ports.config.maxImagePixels);
    } catch (error) {
      if (!isShoeboxError(error)) throw error;
      // Formats nothing here reads (PSD, JPEG 2000) still get their EXIF; bombs and wrecks say why.
      if (error.status !== 415) headerProblem = error.message;
    }
  }
  let durationMs: number | null = null;
  if (detected.type === 'VIDEO') {
    try {
      const video = await withOriginalFile(ports, asset, probeVideo);
      header = { format: video.container, width: video.width, height: video.height, orientation: undefined };
      reading = videoReading(video);
      durationMs = video.durationMs;
    } catch (error) {
      if (!isShoeboxError(error)) throw error;
      headerProblem = error.message;
    }
  }
  if (isLibraryFile(asset)) reading = applySidecar(reading, await librarySidecar(ports, asset));
  const fileTime = new Date(Math.min(asset.fileCreatedAt.getTime(), asset.fileModifiedAt.getTime()));
  // The file's own date, else one its name carries (IMG_20210102_131415), else the file system's.
  const captureDate = reading?.captureDate ?? captureDateFromFileName(asset.originalFileName) ?? captureDateFromInstant(fileTime);

  // Before the stage is recorded done: a stage killed in between runs again, and this is idempotent.
  await applyFileTags(db, asset.id, asset.ownerId, reading?.exif.tags ?? []);
  // Which of the owner's workflows run (asked before the stage is recorded done: a new asset's AssetCreate ones too).
  const workflows = await workflowsForMetadataRead(db, asset);
  await recordMetadata(
    db,
    asset.id,
    {
      type: detected.type,
      mime: detected.mime,
      width: header?.width ?? reading?.exif.exifImageWidth ?? null,
      height: header?.height ?? reading?.exif.exifImageHeight ?? null,
      fileSizeBytes: scanned.size,
      durationMs,
      ...captureDate,
    },
    reading?.exif ?? null,
    placeOf(reading),
    scanned.sha1,
  );
  if (reading?.exif.livePhotoCid) await pairLivePhoto(db, asset.id);
  // The owner's workflows: on a new asset, and each time its metadata is read (their actions are idempotent).
  await runWorkflows(db, asset.id, workflows);
  if (detected.type === 'IMAGE' && scanned.buffer) await extractMotionVideo(ports, asset, scanned.buffer);
  if (headerProblem) {
    await recordStageFailure(db, asset.id, STAGE, scanned.sha1, headerProblem);
  } else {
    const job: ThumbnailJob = { assetId: asset.id, checksum: scanned.sha1.toString('hex') };
    await ports.queue.send('thumbnail', [JSON.stringify(job)]);
    // Videos also get a browser-playable encoding, when they need one.
    if (detected.type === 'VIDEO') await ports.queue.send('transcode', [JSON.stringify(job)]);
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
  const expectedSize = await originalSize(ports, asset);
  if (expectedSize === undefined) return undefined;
  const keep = asset.type === 'IMAGE' && expectedSize <= MAX_BUFFERED_BYTES;
  const hash = createHash('sha1');
  // Sized up front and filled in place: one copy of the file, not chunks plus their concatenation.
  const kept = Buffer.allocUnsafe(keep ? expectedSize : DETECTION_BYTES);
  let size = 0;
  for await (const chunk of await readOriginal(ports, asset)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    if (size < kept.length) buf.copy(kept, size, 0, Math.min(buf.length, kept.length - size));
    size += buf.length;
  }
  const filled = kept.subarray(0, Math.min(size, kept.length));
  // An upload that grew since it was measured is caught by the size check in verify().
  return { size, sha1: hash.digest(), head: filled.subarray(0, DETECTION_BYTES), buffer: keep && size === expectedSize ? filled : undefined };
}

/** The real type of these bytes, or why they cannot be this asset's original. */
async function verify(asset: Asset, scanned: ScannedOriginal): Promise<DetectedMedia> {
  const reject = (reason: string) => ({ ok: false, reason }) as const;
  if (scanned.size === 0) return reject('The file is empty (0 bytes)');
  // A library file declares nothing: whatever it holds now is what it is.
  if (isLibraryFile(asset)) return detectMediaType(scanned.head, asset.originalFileName);
  if (asset.fileSizeBytes !== null && scanned.size !== asset.fileSizeBytes) {
    return reject(`The upload has ${scanned.size} bytes but ${asset.fileSizeBytes} were declared; upload the file again`);
  }
  if (!asset.checksum || !scanned.sha1.equals(asset.checksum)) {
    return reject('The uploaded bytes do not match the declared SHA-1 checksum; the file changed or was damaged in transit, upload it again');
  }
  return detectMediaType(scanned.head, asset.originalFileName);
}

function placeOf(reading: ExifReading | undefined): Place | undefined {
  const { latitude, longitude } = reading?.exif ?? {};
  return latitude != null && longitude != null ? reverseGeocode(latitude, longitude) : undefined;
}

/** The asset an uploaded object belongs to; an object nobody is waiting for is an orphan and goes. */
async function uploadedAsset(object: ObjectCreated, ports: Ports): Promise<Asset | undefined> {
  const ids = parseOriginalKey(object.key);
  if (!ids) {
    ports.logger.warn('object-created event outside the originals layout ignored', { key: object.key });
    return undefined;
  }
  const asset = await getAsset(ports.db, ids.assetId);
  if (!asset || asset.originalPath !== object.key) {
    // Its upload was aborted or expired before the bytes arrived.
    ports.logger.info('deleting orphaned original', { key: object.key });
    await ports.store.delete(object.key);
    return undefined;
  }
  return asset;
}

/** `photo.jpg.xmp` (darktable, digiKam, Immich) or `photo.xmp` (Lightroom) beside a library file. */
async function librarySidecar(ports: Ports, asset: Asset): Promise<SidecarReading> {
  const ext = asset.originalPath.lastIndexOf('.');
  const candidates = [`${asset.originalPath}.xmp`, ...(ext > asset.originalPath.lastIndexOf('/') ? [`${asset.originalPath.slice(0, ext)}.xmp`] : [])];
  for (const candidate of candidates) {
    const file = await ports.libraryFiles.stat(candidate);
    if (!file || file.size > MAX_SIDECAR_BYTES) continue;
    return readXmpSidecar(decodeXmpBytes(await readAll(await ports.libraryFiles.read(candidate), MAX_SIDECAR_BYTES)));
  }
  return {};
}

/** A sidecar's facts win over the file's own: that is what the sidecar is for. */
function applySidecar(reading: ExifReading | undefined, sidecar: SidecarReading): ExifReading | undefined {
  if (Object.keys(sidecar).length === 0) return reading;
  const base = reading ?? { exif: { ...EMPTY_EXIF }, captureDate: undefined };
  const captureDate = sidecar.dateTimeOriginal ? captureDateFromTags({ DateCreated: sidecar.dateTimeOriginal }) : undefined;
  return {
    captureDate: captureDate ?? base.captureDate,
    exif: {
      ...base.exif,
      ...(captureDate ? { dateTimeOriginal: captureDate.takenAt, timeZone: captureDate.timeZone } : {}),
      ...(sidecar.latitude !== undefined ? { latitude: sidecar.latitude, longitude: sidecar.longitude! } : {}),
      ...(sidecar.description !== undefined ? { description: sidecar.description } : {}),
      ...(sidecar.rating !== undefined ? { rating: sidecar.rating } : {}),
      ...(sidecar.tags !== undefined ? { tags: sidecar.tags } : {}),
    },
  };
}

/** A video's container metadata, in the shape the EXIF of a photo has. */
function videoReading(video: VideoInfo): ExifReading {
  return {
    captureDate: video.captureDate,
    exif: {
      ...EMPTY_EXIF,
      make: video.make,
      model: video.model,
      exifImageWidth: video.width,
      exifImageHeight: video.height,
      latitude: video.latitude,
      longitude: video.longitude,
      dateTimeOriginal: video.captureDate?.takenAt ?? null,
      timeZone: video.captureDate?.timeZone ?? null,
      livePhotoCid: video.livePhotoCid,
    },
  };
}
