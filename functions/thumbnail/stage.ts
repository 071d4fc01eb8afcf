import { assetJobKey, ThumbnailJob } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { recordStageFailure } from '../../core/assets/stage-outcomes.js';
import { createThumbnails, STAGE } from './create-thumbnails.js';

export const thumbnailStage: Stage<ThumbnailJob> = {
  name: STAGE,
  parse: (body) => [ThumbnailJob.parse(JSON.parse(body))],
  idempotencyKey: assetJobKey,
  run: createThumbnails,
  // Without a thumbnail the asset would stay `processing` forever.
  giveUp: (job, reason, ports) => recordStageFailure(ports.db, job.assetId, STAGE, Buffer.from(job.checksum, 'hex'), reason),
};
