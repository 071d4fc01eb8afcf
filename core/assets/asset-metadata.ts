import { z } from 'zod';
import { BadRequest } from '../errors.js';
import type { Queryable } from '../ports/database.js';

/** Immich's `AssetMetadataUpsertItemDto`: a key and a JSON object. */
export const AssetMetadataItem = z.strictObject({
  key: z.string().trim().min(1).max(100),
  value: z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 16 * 1024, 'a value of at most 16 KiB of JSON'),
});
export const AssetMetadataItems = z.array(AssetMetadataItem).max(50);
export type AssetMetadataItem = z.infer<typeof AssetMetadataItem>;

/** The upload form's `metadata` field: a JSON array of items, as the iOS app sends it. */
export function parseMetadataField(text: string | undefined): AssetMetadataItem[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadRequest('metadata must be a JSON array of {key, value}');
  }
  const parsed = AssetMetadataItems.safeParse(json);
  if (!parsed.success) throw new BadRequest(`metadata: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function upsertAssetMetadata(db: Queryable, assetId: string, items: AssetMetadataItem[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO asset_metadata (asset_id, key, value)
       SELECT $1, k, v FROM unnest($2::text[], $3::jsonb[]) AS i (k, v)
     ON CONFLICT (asset_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    [assetId, items.map((i) => i.key), items.map((i) => JSON.stringify(i.value))],
  );
}

export async function readAssetMetadata(db: Queryable, assetId: string): Promise<{ key: string; value: Record<string, unknown>; updatedAt: string }[]> {
  const { rows } = await db.query<{ key: string; value: Record<string, unknown>; updatedAt: Date }>(
    'SELECT key, value, updated_at AS "updatedAt" FROM asset_metadata WHERE asset_id = $1 ORDER BY key',
    [assetId],
  );
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
}
