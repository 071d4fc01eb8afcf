import type { MlJob } from '../../core/jobs.js';
import { faceModel } from '../../core/ml/loaded-models.js';
import { onPreview, startMlJob } from '../../core/ml/ml-job.js';
import { ensureVectorSize, vectorLiteral } from '../../core/ml/vector-columns.js';
import { recognizeNewFaces } from '../../core/people/recognize-faces.js';
import { recordStageStatus } from '../../core/assets/stage-outcomes.js';
import { transaction } from '../../core/ports/database.js';
import type { Ports } from '../../core/runtime/ports.js';

export const STAGE = 'faces';

/**
 * Finds the faces in an asset's preview, stores box, score and vector, and clusters them
 * into people. A repeated job replaces the asset's machine-found faces in one transaction
 * (faces moved by hand stay), so it is idempotent; killed before the end, it runs again.
 */
export async function detectFaces(job: MlJob, ports: Ports): Promise<void> {
  const { db } = ports;
  const work = await startMlJob(job, ports, STAGE, (s) => ({ ...s.facialRecognition, what: 'face recognition' }), (name) => faceModel(ports, name));
  if (!work) return;
  const { asset, model, checksum } = work;
  const s = work.settings.facialRecognition;
  const analysis = await onPreview(ports, work, STAGE, () => model.analyze(work.preview, s.minScore));
  if (!analysis) return;
  const faces = analysis.faces;
  if (faces[0]) await ensureVectorSize(db, 'asset_faces', faces[0].embedding.length);
  const ids = await transaction(db, async (tx) => {
    await tx.query(`DELETE FROM asset_faces WHERE asset_id = $1 AND source_type = 'machine-learning'`, [asset.id]);
    const inserted: string[] = [];
    for (const f of faces) {
      const [x1, y1, x2, y2] = f.box.map(Math.round) as [number, number, number, number];
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO asset_faces (asset_id, owner_id, image_width, image_height, x1, y1, x2, y2, score, model, embedding)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [asset.id, asset.ownerId, analysis.width, analysis.height, x1, y1, x2, y2, f.score, model.name, vectorLiteral(f.embedding)],
      );
      inserted.push(rows[0]!.id);
    }
    return inserted;
  });
  await recognizeNewFaces(db, ids, s);
  // Done only once clustered: a job killed before this runs again from the start.
  await recordStageStatus(db, asset.id, STAGE, checksum, 'done', null);
}
