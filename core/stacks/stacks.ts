import { BadRequest } from '../errors.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';

/**
 * Stacks, as Immich has them: several of one owner's assets shown as one (a RAW and its JPEG, a
 * burst, edited copies), the primary asset standing for the rest. Membership is the assets'
 * `stack_id`; the stack row holds the owner and the primary (migration 0007). Who may touch a
 * stack — its owner — is core/access's to decide; these functions trust their caller on that.
 */
export interface Stack {
  id: string;
  ownerId: string;
  primaryAssetId: string;
  /** The assets in it, the primary first, then by capture time; trashed ones left out. */
  assetIds: string[];
}

/** What an asset response says of its stack (Immich's AssetStackResponseDto). */
export interface StackSummary {
  id: string;
  primaryAssetId: string;
  assetCount: number;
}

const STACK_COLUMNS = `s.id, s.owner_id AS "ownerId", s.primary_asset_id AS "primaryAssetId",
  ARRAY(SELECT a.id FROM assets a WHERE a.stack_id = s.id AND a.deleted_at IS NULL
        ORDER BY a.id = s.primary_asset_id DESC, a.taken_at, a.id) AS "assetIds"`;

/**
 * Stacks `assetIds` (the first becomes the primary). Stacks any of them were in already are
 * merged into the new one, as Immich merges them: one asset is never in two stacks.
 */
export async function createStack(db: Database, ownerId: string, assetIds: string[]): Promise<Stack> {
  const ids = [...new Set(assetIds)];
  if (ids.length < 2) throw new BadRequest('A stack needs at least two assets');
  const id = await transaction(db, async (tx) => {
    const { rows: old } = await tx.query<{ id: string }>(
      'SELECT DISTINCT stack_id AS id FROM assets WHERE id = ANY($1::uuid[]) AND stack_id IS NOT NULL',
      [ids],
    );
    const oldIds = old.map((row) => row.id);
    const { rows: members } = await tx.query<{ id: string }>(
      `SELECT id FROM assets WHERE id = ANY($1::uuid[]) OR (stack_id = ANY($2::uuid[]) AND deleted_at IS NULL)`,
      [ids, oldIds],
    );
    if (oldIds.length > 0) await tx.query('DELETE FROM stacks WHERE id = ANY($1::uuid[])', [oldIds]);
    const { rows } = await tx.query<{ id: string }>('INSERT INTO stacks (owner_id, primary_asset_id) VALUES ($1, $2) RETURNING id', [ownerId, ids[0]]);
    await tx.query('UPDATE assets SET stack_id = $1, updated_at = now() WHERE id = ANY($2::uuid[])', [rows[0]!.id, members.map((m) => m.id)]);
    return rows[0]!.id;
  });
  return (await readStacks(db, [id]))[0]!;
}

export async function readStacks(db: Queryable, ids: string[]): Promise<Stack[]> {
  const { rows } = await db.query<Stack>(`SELECT ${STACK_COLUMNS} FROM stacks s WHERE s.id = ANY($1::uuid[]) ORDER BY s.created_at, s.id`, [ids]);
  return rows;
}

/** An owner's stacks, or the one whose primary is `primaryAssetId`. */
export async function searchStacks(db: Queryable, ownerId: string, primaryAssetId?: string): Promise<Stack[]> {
  const { rows } = await db.query<Stack>(
    `SELECT ${STACK_COLUMNS} FROM stacks s WHERE s.owner_id = $1 AND ($2::uuid IS NULL OR s.primary_asset_id = $2) ORDER BY s.created_at, s.id`,
    [ownerId, primaryAssetId ?? null],
  );
  return rows;
}

export async function setPrimaryAsset(db: Queryable, stackId: string, assetId: string): Promise<void> {
  const { rowCount } = await db.query(
    `UPDATE stacks SET primary_asset_id = $2, updated_at = now()
     WHERE id = $1 AND EXISTS (SELECT 1 FROM assets WHERE id = $2 AND stack_id = $1)`,
    [stackId, assetId],
  );
  if (!rowCount) throw new BadRequest('Primary asset must be in the stack');
}

/**
 * Puts an asset into a stack, keeping the stack's id and primary; the asset's own stack, if it
 * had one, joins too (one asset is never in two stacks).
 */
export async function joinStack(db: Database, stackId: string, assetId: string): Promise<void> {
  await transaction(db, async (tx) => {
    const { rows } = await tx.query<{ stackId: string | null }>('SELECT stack_id AS "stackId" FROM assets WHERE id = $1 FOR UPDATE', [assetId]);
    const own = rows[0]?.stackId;
    if (own === stackId) return;
    if (own) {
      await tx.query('UPDATE assets SET stack_id = $1, updated_at = now() WHERE stack_id = $2', [stackId, own]);
      await tx.query('DELETE FROM stacks WHERE id = $1', [own]);
    }
    await tx.query('UPDATE assets SET stack_id = $1, updated_at = now() WHERE id = $2', [stackId, assetId]);
  });
}

/** Unstacks: the stacks go, their assets stand alone again. */
export async function deleteStacks(db: Queryable, ids: string[]): Promise<void> {
  await db.query('DELETE FROM stacks WHERE id = ANY($1::uuid[])', [ids]);
}

/** Takes one asset out of a stack; the primary stays (make another primary first). */
export async function removeFromStack(db: Queryable, stackId: string, assetId: string): Promise<void> {
  const { rows } = await db.query<{ primary: boolean }>(
    `SELECT s.primary_asset_id = a.id AS primary FROM assets a JOIN stacks s ON s.id = a.stack_id WHERE a.id = $1 AND s.id = $2`,
    [assetId, stackId],
  );
  if (rows.length === 0) throw new BadRequest('Asset not in stack');
  if (rows[0]!.primary) throw new BadRequest("Cannot remove stack's primary asset");
  await db.query('UPDATE assets SET stack_id = NULL, updated_at = now() WHERE id = $1', [assetId]);
}

/** The stacks of some assets, as their responses show them: id, primary and size. */
export async function stackSummaries(db: Queryable, stackIds: string[]): Promise<Map<string, StackSummary>> {
  if (stackIds.length === 0) return new Map();
  const { rows } = await db.query<StackSummary>(
    `SELECT s.id, s.primary_asset_id AS "primaryAssetId",
       (SELECT count(*)::int FROM assets a WHERE a.stack_id = s.id AND a.deleted_at IS NULL) AS "assetCount"
     FROM stacks s WHERE s.id = ANY($1::uuid[])`,
    [[...new Set(stackIds)]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}
