import { z } from 'zod';

/** thumbnail queue: render the derived images of an asset whose original has been verified. */
export const ThumbnailJob = z.object({
  assetId: z.uuid(),
  /** Hex SHA-1 of the original the job was made for; a changed original is a new job. */
  checksum: z.string().regex(/^[0-9a-f]{40}$/),
});
export type ThumbnailJob = z.infer<typeof ThumbnailJob>;

/** metadata queue, for an external-library file the scan found new or changed (uploads come as S3 events). */
export const LibraryFileJob = z.object({
  assetId: z.uuid(),
  /** The file's modification time when the scan saw it: a later change is a new job. */
  modifiedAt: z.string(),
});
export type LibraryFileJob = z.infer<typeof LibraryFileJob>;

/** library queue: scan one external library for new, changed and removed files. */
export const LibraryScanJob = z.object({ libraryId: z.uuid(), requestedAt: z.string() });
export type LibraryScanJob = z.infer<typeof LibraryScanJob>;

/**
 * embed and faces queues: an asset whose preview exists. `requestedAt` marks a later run of
 * the same asset (its model arrived, the admin re-ran the job), which idempotency must not skip.
 */
export const MlJob = ThumbnailJob.extend({ requestedAt: z.string().max(40).optional() });
export type MlJob = z.infer<typeof MlJob>;
export const mlJobKey = (job: MlJob) => `${job.assetId}:${job.checksum}:${job.requestedAt ?? 'first'}`;
