import type { MlJob } from '../../core/jobs.js';
import { onPreview, startMlJob } from '../../core/ml/ml-job.js';
import { clipModel } from '../../core/ml/loaded-models.js';
import { ensureVectorSize, vectorLiteral } from '../../core/ml/vector-columns.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'embed';

/**
 * The CLIP vector of an asset's preview (photos, and video posters), for smart search.
 * Without the model in the cache the asset is marked waiting, never failed: it is queued
 * again when the pack arrives. Upserts by asset, so a repeated job changes nothing; then
 * duplicate detection is queued for it.
 */
export async function embedAsset(job: MlJob, ports: Ports): Promise<void> {
  const work = await startMlJob(job, ports, STAGE, (s) => ({ ...s.clip, what: 'smart search (CLIP)' }), (name) => clipModel(ports, name));
  if (!work) return;
  const vector = await onPreview(ports, work, STAGE, () => work.model.encodeImage(work.preview));
  if (!vector) return;
  await ensureVectorSize(ports.db, 'smart_search', vector.length);
  await ports.db.query({
    name: 'upsert-smart-search',
    text: `WITH vector AS (
        INSERT INTO smart_search (asset_id, model, embedding) SELECT id, $2, $3 FROM assets WHERE id = $1
        ON CONFLICT (asset_id) DO UPDATE SET model = excluded.model, embedding = excluded.embedding RETURNING asset_id
      ) INSERT INTO asset_job_status (asset_id, stage, status, source_checksum, error)
        SELECT asset_id, '${STAGE}', 'done', $4, NULL FROM vector
        ON CONFLICT (asset_id, stage) DO UPDATE SET status = 'done', source_checksum = excluded.source_checksum, error = NULL, updated_at = now()`,
    values: [work.asset.id, work.model.name, vectorLiteral(vector), work.checksum],
  });
  // A new vector may make it a copy of another picture (or no longer one).
  await ports.queue.send('duplicates', [JSON.stringify(job)]);
}
