import { z } from 'zod';

/**
 * thumbnail and transcode queues (and, as MlJob, embed and faces): work on an asset whose
 * original has been verified. `requestedAt` marks a later run of the same asset (a person asked
 * for it again, a model arrived), which idempotency must not skip.
 */
export const ThumbnailJob = z.object({
  assetId: z.uuid(),
  /** Hex SHA-1 of the original the job was made for; a changed original is a new job. */
  checksum: z.string().regex(/^[0-9a-f]{40}$/),
  requestedAt: z.string().max(40).optional(),
});
export type ThumbnailJob = z.infer<typeof ThumbnailJob>;
/** Same asset, same bytes, same request: the same work. */
export const assetJobKey = (job: ThumbnailJob) => `${job.assetId}:${job.checksum}:${job.requestedAt ?? 'first'}`;

/**
 * metadata queue, by asset id: an external-library file the scan found new or changed, or any
 * asset a person asked to read again (uploads otherwise come as S3 events).
 */
export const LibraryFileJob = z.object({
  assetId: z.uuid(),
  /** The file's modification time when the scan saw it (a later change is a new job), or when a re-read was asked. */
  modifiedAt: z.string(),
});
export type LibraryFileJob = z.infer<typeof LibraryFileJob>;

/** library queue: scan one external library for new, changed and removed files. */
export const LibraryScanJob = z.object({ libraryId: z.uuid(), requestedAt: z.string() });
export type LibraryScanJob = z.infer<typeof LibraryScanJob>;

/** embed and faces queues: an asset whose preview exists. */
export const MlJob = ThumbnailJob;
export type MlJob = ThumbnailJob;
export const mlJobKey = assetJobKey;
