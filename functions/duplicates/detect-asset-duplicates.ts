import { recordStageStatus } from '../../core/assets/stage-outcomes.js';
import { detectDuplicates } from '../../core/duplicates/duplicate-detection.js';
import type { MlJob } from '../../core/jobs.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'duplicates';

/**
 * Puts an asset whose CLIP vector exists into its duplicate group (core/duplicates). Queued by
 * the embed stage, and for every asset by the admin's duplicate-detection job. Repeating it
 * changes nothing: membership is recomputed from the vectors, under the owner's lock.
 */
export async function detectAssetDuplicates(job: MlJob, ports: Ports): Promise<void> {
  const checksum = Buffer.from(job.checksum, 'hex');
  const settings = await readMlSettings(ports.db, ports.config);
  if (!settings.enabled || !settings.clip.enabled || !settings.duplicateDetection.enabled) {
    await recordStageStatus(ports.db, job.assetId, STAGE, checksum, 'skipped', 'duplicate detection is turned off');
    return;
  }
  await detectDuplicates(ports.db, job.assetId, settings.duplicateDetection.maxDistance);
  await recordStageStatus(ports.db, job.assetId, STAGE, checksum, 'done', null);
}
