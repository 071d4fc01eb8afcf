import type { Ports } from '../runtime/ports.js';

export type MlStage = 'embed' | 'faces';
/** Stages run per ready asset that an admin may queue again; duplicate detection needs the asset's CLIP vector. */
export type RequeuableStage = MlStage | 'duplicates';

/**
 * Queues the ML stage again for ready assets: those it never finished or left waiting for
 * a model (the default), or every one (`all`: a new model, a re-run asked by the admin).
 * Each message carries the time of the request, so idempotency does not skip it.
 */
export async function requeueMlJobs(ports: Ports, stage: RequeuableStage, which: 'missing' | 'all'): Promise<number> {
  const requestedAt = ports.clock.now().toISOString();
  const { rows } = await ports.db.query<{ id: string; checksum: string }>({
    name: `requeue-${stage}-${which}`,
    text: `SELECT a.id, encode(a.checksum, 'hex') AS checksum FROM assets a
      LEFT JOIN asset_job_status j ON j.asset_id = a.id AND j.stage = $1
      WHERE a.status = 'ready' AND a.deleted_at IS NULL AND a.checksum IS NOT NULL
        AND ($2 OR j.status IS NULL OR j.status = 'waiting')
        AND ($1 <> 'duplicates' OR EXISTS (SELECT 1 FROM smart_search s WHERE s.asset_id = a.id))`,
    values: [stage, which === 'all'],
  });
  for (let i = 0; i < rows.length; i += 100) {
    const batch = rows.slice(i, i + 100).map((r) => JSON.stringify({ assetId: r.id, checksum: r.checksum, requestedAt }));
    await ports.queue.send(stage, batch);
  }
  return rows.length;
}

/** Whether any asset waits for a model of this stage (cheap: a partial index). */
export async function anyWaiting(ports: Ports, stage: MlStage): Promise<boolean> {
  const { rows } = await ports.db.query({ name: `any-waiting-${stage}`, text: `SELECT 1 FROM asset_job_status WHERE stage = $1 AND status = 'waiting' LIMIT 1`, values: [stage] });
  return rows.length > 0;
}

/**
 * Assets waiting for a model are queued again once the model is in the cache. Run by the
 * local runtime's sweeper (every minute) and the scheduled function; one cheap query when
 * nothing waits.
 */
export async function resumeWaitingMlJobs(ports: Ports, modelPresent: (stage: MlStage) => Promise<boolean>): Promise<Partial<Record<MlStage, number>>> {
  const resumed: Partial<Record<MlStage, number>> = {};
  for (const stage of ['embed', 'faces'] as const) {
    if ((await anyWaiting(ports, stage)) && (await modelPresent(stage))) resumed[stage] = await requeueMlJobs(ports, stage, 'missing');
  }
  return resumed;
}
