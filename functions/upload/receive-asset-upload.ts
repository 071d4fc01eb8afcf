import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { z } from 'zod';
import { parseMetadataField, upsertAssetMetadata, type AssetMetadataItem } from '../../core/assets/asset-metadata.js';
import { deleteAssetRows, findByChecksums, insertUploadingAssets } from '../../core/assets/asset-queries.js';
import { parseSha1 } from '../../core/assets/checksum.js';
import { originalKey, stagingKey } from '../../core/assets/object-keys.js';
import { BadRequest, PayloadTooLarge, UnsupportedMedia } from '../../core/errors.js';
import { editAssets, linkLivePhoto } from '../../core/assets/asset-edits.js';
import { DETECTION_BYTES, detectMediaType } from '../../core/media/detect-type.js';
import { editFromSidecar, readXmpSidecar } from '../../core/media/xmp-sidecar.js';
import { extensionOf, mediaTypeOfExtension, sanitizeFileName } from '../../core/media/media-types.js';
import type { Ports } from '../../core/runtime/ports.js';
import type { User } from '../../core/users/user-queries.js';
import { assertQuota } from './create-upload.js';

export interface AssetUploadResult {
  id: string;
  status: 'created' | 'duplicate';
}

interface StagedFile {
  key: string;
  fileName: string;
  size: number;
  sha1: Buffer;
  head: Buffer;
  truncated: boolean;
}

/**
 * Immich's `POST /api/assets` (multipart/form-data with `assetData`): the bytes stream
 * into a staging key while being hashed, then either become a new original or, when the
 * user already has them, are dropped as a duplicate. Nothing stays behind on any error.
 */
export async function receiveAssetUpload(
  ports: Ports,
  user: User,
  request: { headers: IncomingHttpHeaders; body: Readable; checksumHeader?: string },
): Promise<AssetUploadResult> {
  if (request.checksumHeader) {
    const [known] = await findByChecksums(ports.db, user.id, [parseSha1(request.checksumHeader)]);
    if (known && known.status !== 'uploading') {
      request.body.resume();
      return { id: known.id, status: 'duplicate' };
    }
  }
  const { fields, file, sidecar } = await stageMultipart(ports, request.headers, request.body);
  let result: AssetUploadResult;
  let metadata: AssetMetadataItem[];
  try {
    // Checked before anything is created: a bad field leaves nothing behind.
    metadata = parseMetadataField(fields.metadata);
    if (fields.livePhotoVideoId) await requireOwnVideo(ports.db, user.id, fields.livePhotoVideoId);
    result = await adoptStagedFile(ports, user, fields, file, request.checksumHeader);
  } finally {
    await ports.store.delete(file.key);
  }
  await upsertAssetMetadata(ports.db, result.id, metadata);
  // The iPhone app uploads a live photo's video first (hidden), then the still naming it.
  // (A video naming a video is not a live photo: the field is then of no use, and ignored.)
  if (fields.livePhotoVideoId && result.status === 'created' && (await isImage(ports.db, result.id))) await linkLivePhoto(ports.db, result.id, fields.livePhotoVideoId);
  // Immich clients send the .xmp beside a file as sidecarData: its facts become edits.
  const edit = sidecar ? editFromSidecar(readXmpSidecar(sidecar)) : {};
  if (Object.keys(edit).length) await editAssets(ports.db, ports.store, [result.id], edit);
  return result;
}

async function isImage(db: Ports['db'], id: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM assets WHERE id = $1 AND type = 'IMAGE'`, [id]);
  return rows.length > 0;
}

async function requireOwnVideo(db: Ports['db'], userId: string, id: string): Promise<void> {
  const valid = z.uuid().safeParse(id).success;
  const { rows } = valid ? await db.query(`SELECT 1 FROM assets WHERE id = $1 AND owner_id = $2 AND type = 'VIDEO'`, [id, userId]) : { rows: [] };
  if (rows.length === 0) throw new BadRequest('livePhotoVideoId must be a video of yours, uploaded first');
}

async function adoptStagedFile(
  ports: Ports,
  user: User,
  fields: Record<string, string>,
  file: StagedFile,
  checksumHeader: string | undefined,
): Promise<AssetUploadResult> {
  if (file.truncated) throw new PayloadTooLarge(`The file is larger than this server's limit of ${ports.config.maxUploadBytes} bytes`);
  if (file.size === 0) throw new BadRequest('The file is empty (0 bytes)');
  if (checksumHeader && !parseSha1(checksumHeader).equals(file.sha1)) {
    throw new BadRequest('The uploaded bytes do not match x-immich-checksum; the upload was damaged, try again');
  }
  const [known] = await findByChecksums(ports.db, user.id, [file.sha1]);
  if (known && known.status !== 'uploading') return { id: known.id, status: 'duplicate' };
  // The quota before the bytes are looked at, as Immich orders it.
  await assertQuota(ports, user, file.size);
  const fileName = sanitizeFileName(fields.filename ?? file.fileName);
  const detected = await detectMediaType(file.head, fileName);
  if (!detected.ok) throw new UnsupportedMedia(detected.reason);

  const id = randomUUID();
  const ext = extensionOf(fileName);
  const key = originalKey(user.id, id, mediaTypeOfExtension(ext) ? ext : '');
  const now = ports.clock.now();
  // With a session, like a presigned upload: if we die before the move, the sweeper cleans up.
  const expiresAt = new Date(now.getTime() + ports.config.uploadSessionTtlSeconds * 1000);
  const asset = {
    id,
    ownerId: user.id,
    type: detected.type,
    originalPath: key,
    originalFileName: fileName,
    originalMimeType: detected.mime,
    checksum: file.sha1,
    fileSizeBytes: file.size,
    fileCreatedAt: dateField(fields.fileCreatedAt, 'fileCreatedAt') ?? dateField(fields.fileModifiedAt, 'fileModifiedAt') ?? now,
    fileModifiedAt: dateField(fields.fileModifiedAt, 'fileModifiedAt') ?? dateField(fields.fileCreatedAt, 'fileCreatedAt') ?? now,
    deviceAssetId: fields.deviceAssetId?.slice(0, 255) ?? null,
    deviceId: fields.deviceId?.slice(0, 255) ?? null,
    isFavorite: fields.isFavorite === 'true',
    visibility: visibilityField(fields.visibility),
  };
  const [inserted] = await insertUploadingAssets(ports.db, [{ asset, session: { expectedSize: file.size, expiresAt } }]);
  if (!inserted) {
    const [raced] = await findByChecksums(ports.db, user.id, [file.sha1]);
    if (raced) return { id: raced.id, status: 'duplicate' };
    throw new Error(`asset insert for ${id} conflicted without a matching checksum`);
  }
  try {
    await ports.store.move(file.key, key);
  } catch (error) {
    await deleteAssetRows(ports.db, [id]);
    await ports.store.delete(key);
    throw error;
  }
  return { id, status: 'created' };
}

function stageMultipart(
  ports: Ports,
  headers: IncomingHttpHeaders,
  body: Readable,
): Promise<{ fields: Record<string, string>; file: StagedFile; sidecar: string | undefined }> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers,
        // Immich's clients send file names as raw UTF-8; busboy's default would read them as latin1.
        defParamCharset: 'utf8',
        limits: { files: 2, fields: 30, fieldSize: 64 * 1024, fileSize: ports.config.maxUploadBytes },
      });
    } catch {
      // Not a form: the rest is read and dropped, so the client hears the 400 on a connection that lives on.
      body.resume();
      reject(new BadRequest('Expected a multipart/form-data body with an assetData file'));
      return;
    }
    const fields: Record<string, string> = {};
    let staging: Promise<StagedFile> | undefined;
    let sidecar: Promise<string | undefined> = Promise.resolve(undefined);
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(parser);
      body.resume();
      // The staged bytes, if any, must not outlive the request.
      void (staging ?? Promise.resolve(undefined))
        .then((file) => file && ports.store.delete(file.key))
        .catch(() => undefined)
        .finally(() => reject(error));
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name === 'sidecarData') {
        sidecar = readSidecar(stream);
        // A cut-off body fails the request through the parser; this copy of the error is expected.
        sidecar.catch(() => undefined);
        return;
      }
      if (name !== 'assetData' || staging) {
        // Skipped, but still heard: busboy errors a cut-off part's stream too, and an 'error'
        // no one listens to ends the process.
        stream.on('error', () => undefined).resume();
        return;
      }
      staging = stageStream(ports, stream, info.filename ?? 'unnamed');
      staging.catch(fail);
    });
    parser.on('error', () => fail(new BadRequest('The multipart body is malformed or was cut off')));
    parser.on('close', () => {
      if (failed) return;
      if (!staging) {
        fail(new BadRequest('The form has no assetData file'));
        return;
      }
      Promise.all([staging, sidecar]).then(([file, xmp]) => resolve({ fields, file, sidecar: xmp }), fail);
    });
    body.on('error', () => fail(new BadRequest('The upload was interrupted')));
    body.pipe(parser);
  });
}

async function stageStream(ports: Ports, stream: Readable & { truncated?: boolean }, fileName: string): Promise<StagedFile> {
  const key = stagingKey(randomUUID());
  const sha1 = createHash('sha1');
  const head: Buffer[] = [];
  let headBytes = 0;
  let size = 0;
  // A Transform, not a 'data' listener: nothing flows until the store starts reading.
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sha1.update(chunk);
      size += chunk.length;
      if (headBytes < DETECTION_BYTES) {
        head.push(chunk.subarray(0, DETECTION_BYTES - headBytes));
        headBytes += Math.min(chunk.length, DETECTION_BYTES - headBytes);
      }
      done(null, chunk);
    },
  });
  // pipeline, not pipe: a cut-off body errors both streams, and an 'error' no one listens to ends the process.
  pipeline(stream, tap, () => undefined);
  try {
    await ports.store.write(key, tap, 'application/octet-stream');
  } catch (error) {
    await ports.store.delete(key);
    throw error;
  }
  return { key, fileName: fileName || 'unnamed', size, sha1: sha1.digest(), head: Buffer.concat(head), truncated: stream.truncated === true };
}

const MAX_SIDECAR_BYTES = 1024 * 1024;

/** A sidecar is small text; a bigger one is not a sidecar and is ignored. */
async function readSidecar(stream: Readable): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= MAX_SIDECAR_BYTES) chunks.push(chunk as Buffer);
  }
  return size <= MAX_SIDECAR_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
}

/** A date form field: absent is fine, but one that is there must be a date. */
function dateField(value: string | undefined, name = 'date'): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new BadRequest(`${name} must be an ISO 8601 date, not "${value.slice(0, 40)}"`);
  return date;
}

function visibilityField(value: string | undefined): 'archive' | 'timeline' | 'hidden' | 'locked' {
  return value === 'archive' || value === 'hidden' || value === 'locked' ? value : 'timeline';
}
