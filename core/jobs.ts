import { z } from 'zod';

/** thumbnail queue: render the derived images of an asset whose original has been verified. */
export const ThumbnailJob = z.object({
  assetId: z.uuid(),
  /** Hex SHA-1 of the original the job was made for; a changed original is a new job. */
  checksum: z.string().regex(/^[0-9a-f]{40}$/),
});
export type ThumbnailJob = z.infer<typeof ThumbnailJob>;
