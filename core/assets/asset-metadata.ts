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

/** Immich's `AssetMetadataBulkUpsertItemDto` and `AssetMetadataBulkDeleteItemDto`: items of many assets at once. */
export const AssetMetadataBulkItem = AssetMetadataItem.extend({ assetId: z.uuid() });
export const AssetMetadataBulkKey = AssetMetadataBulkItem.pick({ assetId: true, key: true });
export type AssetMetadataBulkItem = z.infer<typeof AssetMetadataBulkItem>;
export type AssetMetadataBulkKey = z.infer<typeof AssetMetadataBulkKey>;
export const AssetMetadataBulkItems = z.array(AssetMetadataBulkItem).max(1000);
export const AssetMetadataBulkKeys = z.array(AssetMetadataBulkKey).max(1000);

type StoredMetadata = { assetId: string; key: string; value: Record<string, unknown>; updatedAt: string };

/** One statement may not write a row twice; Immich refuses such a request in these words. */
function refuseRepeatedKeys(items: readonly AssetMetadataBulkKey[], name: (item: AssetMetadataBulkKey) => string): void {
  const seen = new Set<string>();
  for (const item of items) {
    const id = `${item.assetId}\u0000${item.key}`;
    if (seen.has(id)) throw new BadRequest(`Duplicate items are not allowed: "${name(item)}"`);
    seen.add(id);
  }
}

export async function upsertAssetMetadata(db: Queryable, assetId: string, items: AssetMetadataItem[]): Promise<void> {
  refuseRepeatedKeys(
    items.map((item) => ({ assetId, key: item.key })),
    (item) => item.key,
  );
  await upsertMetadataRows(db, items.map((item) => ({ assetId, ...item })));
}

/** Items for many assets; the caller has checked that every asset is the requester's. */
export async function upsertBulkAssetMetadata(db: Queryable, items: AssetMetadataBulkItem[]): Promise<StoredMetadata[]> {
  refuseRepeatedKeys(items, (item) => `(${item.assetId}, ${item.key})`);
  return upsertMetadataRows(db, items);
}

async function upsertMetadataRows(db: Queryable, items: AssetMetadataBulkItem[]): Promise<StoredMetadata[]> {
  if (items.length === 0) return [];
  const { rows } = await db.query<Omit<StoredMetadata, 'updatedAt'> & { updatedAt: Date }>(
    `INSERT INTO asset_metadata (asset_id, key, value)
       SELECT a, k, v FROM unnest($1::uuid[], $2::text[], $3::jsonb[]) AS i (a, k, v)
     ON CONFLICT (asset_id, key) DO UPDATE SET value = excluded.value, updated_at = now()
     RETURNING asset_id AS "assetId", key, value, updated_at AS "updatedAt"`,
    [items.map((i) => i.assetId), items.map((i) => i.key), items.map((i) => JSON.stringify(i.value))],
  );
  return rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() }));
}

/** Removes the named keys; a key that is not there is no error (as in Immich). */
export async function deleteAssetMetadata(db: Queryable, items: AssetMetadataBulkKey[]): Promise<void> {
  if (items.length === 0) return;
  await db.query('DELETE FROM asset_metadata m USING unnest($1::uuid[], $2::text[]) AS i (a, k) WHERE m.asset_id = i.a AND m.key = i.k', [
    items.map((i) => i.assetId),
    items.map((i) => i.key),
  ]);
}

/** One key of an asset; Immich's words when it is not there. */
export async function readAssetMetadataKey(db: Queryable, assetId: string, key: string): Promise<{ key: string; value: Record<string, unknown>; updatedAt: string }> {
  const found = (await readAssetMetadata(db, assetId, key))[0];
  if (!found) throw new BadRequest(`Metadata with key "${key}" not found for asset with id "${assetId}"`);
  return found;
}

/** An asset's metadata, or only `key`'s. */
export async function readAssetMetadata(db: Queryable, assetId: string, key?: string): Promise<{ key: string; value: Record<string, unknown>; updatedAt: string }[]> {
  const { rows } = await db.query<{ key: string; value: Record<string, unknown>; updatedAt: Date }>(
    'SELECT key, value, updated_at AS "updatedAt" FROM asset_metadata WHERE asset_id = $1 AND ($2::text IS NULL OR key = $2) ORDER BY key',
    [assetId, key ?? null],
  );
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() }));
}
