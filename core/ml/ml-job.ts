import type { Asset } from '../assets/asset.js';
import { getAsset } from '../assets/asset-queries.js';
import { derivedKey } from '../assets/object-keys.js';
import { recordStageStatus } from '../assets/stage-outcomes.js';
import { isShoeboxError } from '../errors.js';
import type { MlJob } from '../jobs.js';
import { classifyDecodeError } from '../media/render-thumbnails.js';
import { ObjectNotFound, readAll } from '../ports/object-store.js';
import type { Ports } from '../runtime/ports.js';
import { readMlSettings, type MachineLearningSettings } from './ml-settings.js';

const MAX_PREVIEW_BYTES = 32 * 1024 * 1024;

export interface MlWork<Model> {
  asset: Asset;
  checksum: Buffer;
  settings: MachineLearningSettings;
  model: Model;
  preview: Buffer;
}

/**
 * What both ML stages do before their model runs: the asset is still the one the job was
 * made for and ready; the feature is on (else 'skipped'); its pack is in the cache (else
 * 'waiting', picked up when it arrives); its preview can be read (else 'failed', with why).
 * Undefined means the job is over.
 */
export async function startMlJob<Model>(
  job: MlJob,
  ports: Ports,
  stage: 'embed' | 'faces',
  feature: (s: MachineLearningSettings) => { enabled: boolean; modelName: string; what: string },
  loadModel: (name: string) => Promise<Model | undefined>,
): Promise<MlWork<Model> | undefined> {
  const { db, store } = ports;
  const asset = await getAsset(db, job.assetId);
  if (!asset || asset.checksum?.toString('hex') !== job.checksum || asset.status !== 'ready') return undefined;
  const checksum = Buffer.from(job.checksum, 'hex');
  const settings = await readMlSettings(db, ports.config);
  const { enabled, modelName, what } = feature(settings);
  if (!settings.enabled || !enabled) {
    await recordStageStatus(db, asset.id, stage, checksum, 'skipped', `${what} is turned off`);
    return undefined;
  }
  const model = await loadModel(modelName);
  if (!model) {
    await recordStageStatus(db, asset.id, stage, checksum, 'waiting', `waiting for the ${what} model ${modelName}`);
    return undefined;
  }
  try {
    const preview = await readAll(await store.read(derivedKey(asset.ownerId, asset.id, 'preview', 'jpeg')), MAX_PREVIEW_BYTES);
    return { asset, checksum, settings, model, preview };
  } catch (error) {
    if (!(error instanceof ObjectNotFound || (error instanceof Error && /larger than/.test(error.message)))) throw error;
    await recordStageStatus(db, asset.id, stage, checksum, 'failed', `the preview cannot be read: ${error.message}`);
    return undefined;
  }
}

/** Runs the model on the preview; a preview it cannot decode fails the stage with the reason (a bug elsewhere, but not a loop). */
export async function onPreview<T>(ports: Ports, work: MlWork<unknown>, stage: 'embed' | 'faces', run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    const classified = classifyDecodeError(error);
    if (!isShoeboxError(classified)) throw error;
    await recordStageStatus(ports.db, work.asset.id, stage, work.checksum, 'failed', `the preview cannot be decoded: ${classified.message}`);
    return undefined;
  }
}
