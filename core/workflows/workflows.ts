import { z } from 'zod';
import type { Queryable } from '../ports/database.js';
import { methodByKey, type WorkflowAsset } from './shoebox-plugin.js';

/** Immich's WorkflowTrigger: when a user's workflows run on one of their assets. */
export const WORKFLOW_TRIGGERS = ['AssetCreate', 'AssetMetadataExtraction', 'AssetTagged'] as const;
export type WorkflowTrigger = (typeof WORKFLOW_TRIGGERS)[number];

/** Immich's WorkflowStepDto: a plugin method and its config, checked against the method's own schema. */
export const WorkflowStep = z
  .object({ method: z.string().max(200), config: z.record(z.string(), z.unknown()).nullable(), enabled: z.boolean().optional() })
  .transform((step, ctx) => {
    const method = methodByKey(step.method);
    if (!method) {
      ctx.addIssue({ code: 'custom', message: `Unknown plugin method: ${step.method}`, path: ['method'] });
      return z.NEVER;
    }
    const config = method.config.safeParse(step.config ?? {});
    if (!config.success) {
      for (const issue of config.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: ['config', ...issue.path.map(String)] });
      return z.NEVER;
    }
    return { method: step.method, config: config.data as Record<string, unknown>, enabled: step.enabled ?? true };
  });
const Text = z.string().trim().max(500).nullable().optional();
export const WorkflowCreate = z.object({
  trigger: z.enum(WORKFLOW_TRIGGERS),
  name: Text,
  description: Text,
  enabled: z.boolean().default(true),
  logging: z.boolean().default(false),
  steps: z.array(WorkflowStep).max(50).default([]),
});
export const WorkflowUpdate = z.object({
  trigger: z.enum(WORKFLOW_TRIGGERS).optional(),
  name: Text,
  description: Text,
  enabled: z.boolean().optional(),
  logging: z.boolean().optional(),
  steps: z.array(WorkflowStep).max(50).optional(),
});
export const WorkflowSearch = z.object({
  id: z.uuid().optional(),
  trigger: z.enum(WORKFLOW_TRIGGERS).optional(),
  enabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  name: z.string().max(500).optional(),
});
export const WorkflowLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.iso.datetime({ offset: true }).optional(),
  result: z.enum(['completed', 'halted', 'error']).optional(),
});

export interface WorkflowRow {
  id: string;
  trigger: WorkflowTrigger;
  name: string | null;
  description: string | null;
  enabled: boolean;
  logging: boolean;
  steps: Array<{ method: string; config: Record<string, unknown> | null; enabled: boolean }>;
  createdAt: Date;
  updatedAt: Date;
}
const COLUMNS = `w.id, w.trigger, w.name, w.description, w.enabled, w.logging, w.steps, w.created_at AS "createdAt", w.updated_at AS "updatedAt"`;

export function workflowDto(w: WorkflowRow) {
  return { ...w, createdAt: w.createdAt.toISOString(), updatedAt: w.updatedAt.toISOString() };
}

export async function createWorkflow(db: Queryable, ownerId: string, w: z.infer<typeof WorkflowCreate>) {
  const { rows } = await db.query<WorkflowRow>(
    `INSERT INTO workflows AS w (owner_id, trigger, name, description, enabled, logging, steps) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [ownerId, w.trigger, w.name ?? null, w.description ?? null, w.enabled, w.logging, JSON.stringify(w.steps)],
  );
  return workflowDto(rows[0]!);
}

/** A user's own workflows (a workflow is its owner's alone), oldest first. */
export async function searchWorkflows(db: Queryable, ownerId: string, q: z.infer<typeof WorkflowSearch>) {
  const { rows } = await db.query<WorkflowRow>(
    `SELECT ${COLUMNS} FROM workflows w WHERE w.owner_id = $1 AND ($2::uuid IS NULL OR w.id = $2) AND ($3::text IS NULL OR w.trigger = $3)
       AND ($4::boolean IS NULL OR w.enabled = $4) AND ($5::text IS NULL OR w.name = $5) ORDER BY w.created_at, w.id`,
    [ownerId, q.id ?? null, q.trigger ?? null, q.enabled ?? null, q.name ?? null],
  );
  return rows.map(workflowDto);
}

export async function ownWorkflow(db: Queryable, ownerId: string, id: string) {
  const { rows } = await db.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows w WHERE w.owner_id = $1 AND w.id = $2`, [ownerId, id]);
  return rows[0] && workflowDto(rows[0]);
}

export async function updateWorkflow(db: Queryable, ownerId: string, id: string, change: z.infer<typeof WorkflowUpdate>) {
  const { rows } = await db.query<WorkflowRow>(
    `UPDATE workflows w SET trigger = coalesce($3, trigger),
       name = CASE WHEN $8 THEN $4 ELSE name END, description = CASE WHEN $9 THEN $5 ELSE description END,
       enabled = coalesce($6, enabled), logging = coalesce($7, logging), steps = coalesce($10::jsonb, steps), updated_at = now()
     WHERE w.owner_id = $1 AND w.id = $2 RETURNING ${COLUMNS}`,
    [ownerId, id, change.trigger ?? null, change.name ?? null, change.description ?? null, change.enabled ?? null, change.logging ?? null,
      change.name !== undefined, change.description !== undefined, change.steps ? JSON.stringify(change.steps) : null],
  );
  return rows[0] && workflowDto(rows[0]);
}

export async function deleteWorkflow(db: Queryable, ownerId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM workflows WHERE owner_id = $1 AND id = $2', [ownerId, id]);
  return rowCount === 1;
}

export async function workflowLogs(db: Queryable, workflowId: string, q: z.infer<typeof WorkflowLogQuery>) {
  const { rows } = await db.query<{ id: string; at: Date; result: string; assetId: string | null; index: number | null; method: string | null }>(
    `SELECT id, at, result, asset_id AS "assetId", last_step_index AS index, last_step_method AS method FROM workflow_logs
     WHERE workflow_id = $1 AND ($2::timestamptz IS NULL OR at < $2) AND ($3::text IS NULL OR result = $3) ORDER BY at DESC, id LIMIT $4`,
    [workflowId, q.before ?? null, q.result ?? null, q.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    result: r.result,
    ...(r.assetId ? { triggerDataId: r.assetId } : {}),
    ...(r.index !== null && r.method ? { lastStep: { index: r.index, method: r.method } } : {}),
  }));
}

/**
 * The owner's enabled workflows a metadata read triggers, in one query (the common answer is
 * none): `AssetMetadataExtraction`, and `AssetCreate` too while the asset's metadata was never
 * read before — so ask before the stage is recorded done.
 */
export async function workflowsForMetadataRead(db: Queryable, asset: { id: string; ownerId: string }): Promise<WorkflowRow[]> {
  const { rows } = await db.query<WorkflowRow>({
    name: 'workflows-for-metadata-read',
    text: `SELECT ${COLUMNS} FROM workflows w WHERE w.owner_id = $1 AND w.enabled
      AND (w.trigger = 'AssetMetadataExtraction' OR (w.trigger = 'AssetCreate'
        AND NOT EXISTS (SELECT 1 FROM asset_job_status j WHERE j.asset_id = $2 AND j.stage = 'metadata' AND j.status = 'done')))
      ORDER BY w.created_at, w.id`,
    values: [asset.ownerId, asset.id],
  });
  return rows;
}

/** The owner's enabled workflows for "an asset was tagged". */
export async function workflowsForTagging(db: Queryable, ownerId: string): Promise<WorkflowRow[]> {
  const { rows } = await db.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows w WHERE w.owner_id = $1 AND w.enabled AND w.trigger = 'AssetTagged' ORDER BY w.created_at, w.id`, [ownerId]);
  return rows;
}

/**
 * Runs these workflows (workflowsFor…) on one asset: each step in order, a filter that says
 * no halts the run, an action changes the asset. Every action is idempotent, so a stage that
 * runs again (a retry) does no harm. A step that fails ends its workflow's run as `error` (in
 * its log); the asset's own processing goes on.
 */
export async function runWorkflows(db: Queryable, assetId: string, workflows: readonly WorkflowRow[]): Promise<void> {
  if (workflows.length === 0) return;
  const { rows: found } = await db.query<WorkflowAsset>(
    `SELECT a.id, a.owner_id AS "ownerId", a.original_file_name AS "originalFileName", a.type, e.make, e.model, e.city, e.state, e.country,
       coalesce(a.time_zone, e.time_zone) AS "timeZone"
     FROM assets a LEFT JOIN asset_exif e ON e.asset_id = a.id WHERE a.id = $1 AND a.deleted_at IS NULL`,
    [assetId],
  );
  const asset = found[0];
  if (!asset) return;
  for (const workflow of workflows) {
    let result: 'completed' | 'halted' | 'error' = 'completed';
    let last: { index: number; method: string } | undefined;
    for (const [index, step] of workflow.steps.entries()) {
      if (step.enabled === false) continue;
      last = { index, method: step.method };
      const method = methodByKey(step.method);
      const config = method?.config.safeParse(step.config ?? {});
      if (!method || !config?.success) {
        result = 'error';
        break;
      }
      try {
        if (method.filter && !(method.filter as (a: WorkflowAsset, c: unknown) => boolean)(asset, config.data)) {
          result = 'halted';
          break;
        }
        if (method.act) await (method.act as (d: Queryable, a: WorkflowAsset, c: unknown) => Promise<void>)(db, asset, config.data);
      } catch {
        result = 'error';
        break;
      }
    }
    if (workflow.logging) {
      await db.query('INSERT INTO workflow_logs (workflow_id, asset_id, result, last_step_index, last_step_method) VALUES ($1, $2, $3, $4, $5)', [
        workflow.id, asset.id, result, last?.index ?? null, last?.method ?? null,
      ]);
    }
  }
}
