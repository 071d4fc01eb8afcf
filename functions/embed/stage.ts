import { MlJob, mlJobKey } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { embedAsset, STAGE } from './embed-asset.js';

/** Queued by the thumbnail stage once an asset's preview exists. */
export const embedStage: Stage<MlJob> = {
  name: STAGE,
  parse: (body) => [MlJob.parse(JSON.parse(body))],
  idempotencyKey: mlJobKey,
  run: embedAsset,
};
