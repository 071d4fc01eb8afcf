import { assetJobKey, ThumbnailJob } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { STAGE, transcodeVideo } from './transcode-video.js';

/** Fed by the metadata stage for every verified video: same job shape as thumbnails. */
export const transcodeStage: Stage<ThumbnailJob> = {
  name: STAGE,
  parse: (body) => [ThumbnailJob.parse(JSON.parse(body))],
  idempotencyKey: assetJobKey,
  run: transcodeVideo,
};
