import { MlJob, mlJobKey } from '../../core/jobs.js';
import type { Stage } from '../../core/runtime/queue-handler.js';
import { detectFaces, STAGE } from './detect-faces.js';

/** Queued by the thumbnail stage once an asset's preview exists. */
export const facesStage: Stage<MlJob> = {
  name: STAGE,
  parse: (body) => [MlJob.parse(JSON.parse(body))],
  idempotencyKey: mlJobKey,
  run: detectFaces,
};
