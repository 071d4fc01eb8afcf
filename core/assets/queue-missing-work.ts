import type { Ports } from '../runtime/ports.js';
import { objectCreatedMessage } from '../s3-event.js';
import { runAssetJobs } from './asset-jobs.js';

/** The stages an admin may start over the library (Immich's "missing" and "all" buttons); the ML ones are requeueMlJobs. */
export type MediaStage = 'metadata' | 'thumbnail' | 'transcode';

const BATCH = 1000;

/**
 * Which assets a stage has not concluded for (or, with `all`, every asset it applies to), in
 * pages of ids. Thumbnails and videos need the metadata first; a stage that failed is missing
 * too, so starting it tries again.
 */
const NEEDING: Record<MediaStage, string> = {
  metadata: `a.status <> 'uploading' AND ($2 OR j.status IS NULL OR j.status = 'failed')`,
  thumbnail: `m.status = 'done' AND ($2 OR j.status IS NULL OR j.status = 'failed')`,
  transcode: `a.type = 'VIDEO' AND m.status = 'done' AND ($2 OR j.status IS NULL OR j.status = 'failed')`,
};

async function* assetsNeeding(ports: Ports, stage: MediaStage, all: boolean): AsyncGenerator<string[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await ports.db.query<{ id: string }>({
      name: `assets-needing-${stage}`,
      text: `SELECT a.id FROM assets a
        LEFT JOIN asset_job_status j ON j.asset_id = a.id AND j.stage = $1
        LEFT JOIN asset_job_status m ON m.asset_id = a.id AND m.stage = 'metadata'
        WHERE a.deleted_at IS NULL AND a.id > $3 AND ${NEEDING[stage]}
        ORDER BY a.id LIMIT ${BATCH}`,
      values: [stage, all, after],
    });
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows.at(-1)!.id;
  }
}

/**
 * Uploads whose bytes all arrived but whose metadata never ran (the job was emptied from a
 * paused queue): the object-created event is sent again, as S3 would have sent it.
 */
async function redeliverArrivedUploads(ports: Ports): Promise<number> {
  const { rows } = await ports.db.query<{ objectKey: string; expectedSize: string }>(
    `SELECT s.object_key AS "objectKey", s.expected_size AS "expectedSize" FROM upload_sessions s
     JOIN assets a ON a.id = s.asset_id AND a.status = 'uploading' AND a.deleted_at IS NULL
     LEFT JOIN asset_job_status j ON j.asset_id = a.id AND j.stage = 'metadata'
     WHERE j.status IS NULL`,
  );
  let sent = 0;
  for (const row of rows) {
    const object = await ports.store.head(row.objectKey);
    if (object?.size !== Number(row.expectedSize)) continue;
    await ports.queue.send('metadata', [objectCreatedMessage(ports.config.bucket, row.objectKey, object)]);
    sent++;
  }
  return sent;
}

/** Queues a stage for every asset missing its work (or all of them); returns how many were queued. */
export async function queueMissingWork(ports: Ports, stage: MediaStage, which: 'missing' | 'all'): Promise<number> {
  const job = { metadata: 'refresh-metadata', thumbnail: 'regenerate-thumbnail', transcode: 'transcode-video' } as const;
  let queued = stage === 'metadata' ? await redeliverArrivedUploads(ports) : 0;
  for await (const ids of assetsNeeding(ports, stage, which === 'all')) queued += await runAssetJobs(ports, ids, job[stage]);
  return queued;
}
