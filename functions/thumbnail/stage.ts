import { ThumbnailJob } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { createThumbnails, STAGE } from './create-thumbnails.js';

export const thumbnailStage: Stage<ThumbnailJob> = {
  name: STAGE,
  parse: (body) => [ThumbnailJob.parse(JSON.parse(body))],
  idempotencyKey: (job) => `${job.assetId}:${job.checksum}`,
  run: createThumbnails,
};
