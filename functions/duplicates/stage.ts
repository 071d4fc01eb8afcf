import { MlJob, mlJobKey } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { detectAssetDuplicates, STAGE } from './detect-asset-duplicates.js';

/** Queued by the embed stage once an asset's CLIP vector exists, and by the admin's job. */
export const duplicatesStage: Stage<MlJob> = {
  name: STAGE,
  parse: (body) => [MlJob.parse(JSON.parse(body))],
  idempotencyKey: mlJobKey,
  run: detectAssetDuplicates,
};
