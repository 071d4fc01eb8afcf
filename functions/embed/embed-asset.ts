import { getAsset } from '../../core/assets/asset-queries.js';
import { derivedKey } from '../../core/assets/object-keys.js';
import { recordStageStatus } from '../../core/assets/stage-outcomes.js';
import { isShoeboxError } from '../../core/errors.js';
import type { MlJob } from '../../core/jobs.js';
import { clipModel } from '../../core/ml/loaded-models.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { ensureVectorSize, vectorLiteral } from '../../core/ml/vector-columns.js';
import { readAll } from '../../core/ports/object-store.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'embed';
const MAX_PREVIEW_BYTES = 32 * 1024 * 1024;

/**
 * The CLIP vector of an asset's preview (photos, and video posters), for smart search.
 * Without the model in the cache the asset is marked waiting, never failed: it is queued
 * again when the pack arrives. Upserts by asset, so a repeated job changes nothing.
 */
export async function embedAsset(job: MlJob, ports: Ports): Promise<void> {
  const { db, store, config } = ports;
  const asset = await getAsset(db, job.assetId);
  if (!asset || asset.checksum?.toString('hex') !== job.checksum || asset.status !== 'ready') return;
  const checksum = Buffer.from(job.checksum, 'hex');
  const settings = await readMlSettings(db, config);
  if (!settings.enabled || !settings.clip.enabled) {
    await recordStageStatus(db, asset.id, STAGE, checksum, 'skipped', 'smart search is turned off');
    return;
  }
  const model = await clipModel(config, settings.clip.modelName);
  if (!model) {
    await recordStageStatus(db, asset.id, STAGE, checksum, 'waiting', `waiting for the CLIP model ${settings.clip.modelName}`);
    return;
  }
  let vector: Float32Array;
  try {
    const preview = await readAll(await store.read(derivedKey(asset.ownerId, asset.id, 'preview', 'jpeg')), MAX_PREVIEW_BYTES);
    vector = await model.encodeImage(preview);
  } catch (error) {
    if (!isShoeboxError(error) && !(error instanceof Error && /Input buffer|unsupported image|corrupt/i.test(error.message))) throw error;
    await recordStageStatus(db, asset.id, STAGE, checksum, 'failed', `the preview cannot be read: ${error.message}`);
    return;
  }
  await ensureVectorSize(db, 'smart_search', vector.length);
  await db.query({
    name: 'upsert-smart-search',
    text: `WITH vector AS (
        INSERT INTO smart_search (asset_id, model, embedding) SELECT id, $2, $3 FROM assets WHERE id = $1
        ON CONFLICT (asset_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding RETURNING asset_id
      ) INSERT INTO asset_job_status (asset_id, stage, status, source_checksum, error)
        SELECT asset_id, '${STAGE}', 'done', $4, NULL FROM vector
        ON CONFLICT (asset_id, stage) DO UPDATE SET status = 'done', source_checksum = excluded.source_checksum, error = NULL, updated_at = now()`,
    values: [asset.id, model.name, vectorLiteral(vector), checksum],
  });
}
