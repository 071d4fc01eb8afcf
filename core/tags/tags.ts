import { additions, removals, succeeded, type BulkIdResult } from '../bulk-ids.js';
import { BadRequest } from '../errors.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';

/**
 * Tags, as Immich has them: each user's own tree of labels. A tag's `value` is its whole path
 * ('Family/Anna'); its name is the last part. Assets are tagged through tag_assets (migration
 * 0008), whether the file's keywords said so at ingest or a person did. Who may touch a tag —
 * its owner — is core/access's to decide; these functions trust their caller on that.
 */
export interface Tag {
  id: string;
  ownerId: string;
  value: string;
  color: string | null;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const TAG_COLUMNS = `t.id, t.owner_id AS "ownerId", t.value, t.color, t.parent_id AS "parentId",
  t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

/** 'A//B/' → ['A', 'B']: the levels of a tag path, empty ones dropped as Immich drops them. */
export function tagPath(value: string): string[] {
  return value
    .split('/')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Immich's colours are '#rrggbb'-style; clients may leave out the '#'. */
export function normalizeColor(color: string): string {
  return color.startsWith('#') ? color : `#${color}`;
}

/**
 * The condition "asset `a` carries tag `$tag` or a tag under it", as Immich's tag filters mean
 * it (a search for 'Family' finds photos tagged 'Family/Anna'); `$owner` must own `$tag`.
 */
export function taggedWith(tag: string, owner: string): string {
  return `EXISTS (SELECT 1 FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id JOIN tags want ON want.id = ${tag}
    WHERE ta.asset_id = a.id AND want.owner_id = ${owner} AND t.owner_id = want.owner_id
      AND (t.id = want.id OR starts_with(t.value, want.value || '/')))`;
}

/** The owner's assets carrying a tag or one under it. */
export async function ownAssetsTaggedWith(db: Queryable, ownerId: string, tagId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT a.id FROM assets a WHERE a.owner_id = $2 AND ${taggedWith('$1', '$2')}`, [tagId, ownerId]);
  return rows.map((row) => row.id);
}

export async function listTags(db: Queryable, ownerId: string): Promise<Tag[]> {
  const { rows } = await db.query<Tag>(`SELECT ${TAG_COLUMNS} FROM tags t WHERE t.owner_id = $1 ORDER BY t.value`, [ownerId]);
  return rows;
}

export async function readTag(db: Queryable, id: string): Promise<Tag | undefined> {
  const { rows } = await db.query<Tag>(`SELECT ${TAG_COLUMNS} FROM tags t WHERE t.id = $1`, [id]);
  return rows[0];
}

/** A tag under `parentId` (or at the top); a tag with the same path already there is refused. */
export async function createTag(db: Queryable, ownerId: string, input: { name: string; parentId?: string | null; color?: string | null }): Promise<Tag> {
  const parent = input.parentId ? await readTag(db, input.parentId) : undefined;
  if (input.parentId && !parent) throw new BadRequest('Tag not found');
  const name = tagPath(input.name).join('/');
  if (!name) throw new BadRequest('A tag needs a name');
  const { rows } = await db.query<Tag>(
    `INSERT INTO tags AS t (owner_id, value, color, parent_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (owner_id, value) DO NOTHING RETURNING ${TAG_COLUMNS}`,
    [ownerId, parent ? `${parent.value}/${name}` : name, input.color ? normalizeColor(input.color) : null, parent?.id ?? null],
  );
  if (!rows[0]) throw new BadRequest('A tag with that name already exists');
  return rows[0];
}

/**
 * The tags named by these paths, made (with every level above them) where missing. Safe to run
 * in parallel: each level is one INSERT … ON CONFLICT, so four clients upserting 'A/B/C' at once
 * all get the same three tags.
 */
export async function upsertTags(db: Queryable, ownerId: string, values: readonly string[]): Promise<Tag[]> {
  const results = new Map<string, Tag>();
  for (const value of new Set(values)) {
    let parent: Tag | undefined;
    for (const part of tagPath(value)) {
      const path: string = parent ? `${parent.value}/${part}` : part;
      const { rows }: { rows: Tag[] } = await db.query<Tag>(
        `INSERT INTO tags AS t (owner_id, value, parent_id) VALUES ($1, $2, $3)
         ON CONFLICT (owner_id, value) DO UPDATE SET parent_id = coalesce(t.parent_id, excluded.parent_id)
         RETURNING ${TAG_COLUMNS}`,
        [ownerId, path, parent?.id ?? null],
      );
      parent = rows[0]!;
    }
    if (parent) results.set(parent.id, parent);
  }
  return [...results.values()];
}

/**
 * Recolours and/or renames a tag. A rename keeps it under its parent and carries the tags under
 * it along ('Family/Ana' → 'Family/Anna' makes 'Family/Ana/2019' 'Family/Anna/2019').
 */
export async function updateTag(db: Database, id: string, change: { name?: string; color?: string | null }): Promise<Tag> {
  await transaction(db, async (tx) => {
    if (change.color !== undefined) {
      await tx.query('UPDATE tags SET color = $2, updated_at = now() WHERE id = $1', [id, change.color === null ? null : normalizeColor(change.color)]);
    }
    if (change.name === undefined) return;
    const name = tagPath(change.name).join('/');
    if (!name || name.includes('/')) throw new BadRequest('A tag name is one level: no "/" (move a tag by making it again under another parent)');
    const { rows } = await tx.query<{ owner: string; old: string; renamed: string }>(
      `SELECT t.owner_id AS owner, t.value AS old, coalesce(p.value || '/', '') || $2 AS renamed
       FROM tags t LEFT JOIN tags p ON p.id = t.parent_id WHERE t.id = $1`,
      [id, name],
    );
    const { owner, old, renamed } = rows[0]!;
    if (old === renamed) return;
    const taken = await tx.query('SELECT 1 FROM tags WHERE owner_id = $1 AND value = $2', [owner, renamed]);
    if (taken.rows.length > 0) throw new BadRequest('A tag with that name already exists');
    await tx.query(
      `UPDATE tags SET value = $3 || substr(value, length($2) + 1), updated_at = now()
       WHERE owner_id = $1 AND (value = $2 OR starts_with(value, $2 || '/'))`,
      [owner, old, renamed],
    );
  });
  return (await readTag(db, id))!;
}

/** Deletes a tag and every tag under it; the assets stay, untagged by them. */
export async function deleteTag(db: Queryable, id: string): Promise<string[]> {
  const { rows } = await db.query<{ assetId: string }>(
    `WITH doomed AS (
       SELECT d.id FROM tags t JOIN tags d ON d.owner_id = t.owner_id AND (d.id = t.id OR starts_with(d.value, t.value || '/')) WHERE t.id = $1
     ), touched AS (SELECT DISTINCT ta.asset_id FROM tag_assets ta WHERE ta.tag_id IN (SELECT id FROM doomed)),
     gone AS (DELETE FROM tags WHERE id = $1)
     SELECT asset_id AS "assetId" FROM touched`,
    [id],
  );
  return rows.map((row) => row.assetId);
}

/** Every (tag, asset) pair tagged, each once; answers the pairs that were new. */
export async function tagAssets(db: Queryable, tagIds: readonly string[], assetIds: readonly string[]): Promise<Array<{ tagId: string; assetId: string }>> {
  if (tagIds.length === 0 || assetIds.length === 0) return [];
  const { rows } = await db.query<{ tagId: string; assetId: string }>(
    `INSERT INTO tag_assets (tag_id, asset_id) SELECT t, a FROM unnest($1::uuid[]) t, unnest($2::uuid[]) a
     ON CONFLICT DO NOTHING RETURNING tag_id AS "tagId", asset_id AS "assetId"`,
    [[...new Set(tagIds)], [...new Set(assetIds)]],
  );
  return rows;
}

/** Of `assetIds`, those already carrying the tag. */
async function taggedAssetIds(db: Queryable, tagId: string, assetIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT asset_id AS id FROM tag_assets WHERE tag_id = $1 AND asset_id = ANY($2::uuid[])', [tagId, assetIds]);
  return new Set(rows.map((row) => row.id));
}

/** Tags each of `assetIds` (`allowed` are those the requester may tag); one result per id, in order. */
export async function addAssetsToTag(db: Queryable, tagId: string, assetIds: readonly string[], allowed: Set<string>): Promise<BulkIdResult[]> {
  const results = additions(assetIds, await taggedAssetIds(db, tagId, assetIds), allowed);
  await tagAssets(db, [tagId], succeeded(results));
  return results;
}

/** Untags each of `assetIds`; the tag's owner may untag any asset, wherever the tag came from. */
export async function removeAssetsFromTag(db: Queryable, tagId: string, assetIds: readonly string[]): Promise<BulkIdResult[]> {
  const results = removals(assetIds, await taggedAssetIds(db, tagId, assetIds));
  const removed = succeeded(results);
  if (removed.length > 0) await db.query('DELETE FROM tag_assets WHERE tag_id = $1 AND asset_id = ANY($2::uuid[])', [tagId, removed]);
  return results;
}

/**
 * Makes an asset's tags (its owner's) exactly `values`, upserting the tags: what the file's
 * keywords say at ingest, or a keyword edit. Running it twice gives the same result.
 */
export async function setAssetTags(db: Queryable, assetId: string, ownerId: string, values: readonly string[]): Promise<void> {
  const tags = await upsertTags(db, ownerId, values);
  const ids = tags.map((tag) => tag.id);
  await db.query(
    `DELETE FROM tag_assets ta USING tags t WHERE ta.asset_id = $1 AND t.id = ta.tag_id AND t.owner_id = $2 AND NOT (ta.tag_id = ANY($3::uuid[]))`,
    [assetId, ownerId, ids],
  );
  await tagAssets(db, ids, [assetId]);
}

/**
 * `ownerId`'s tags on each asset, by asset id. Tags are their owner's words: a partner who
 * tagged your photo sees that tag, you do not, and a shared link sees none.
 */
export async function tagsOfAssets(db: Queryable, ownerId: string, assetIds: readonly string[]): Promise<Map<string, Tag[]>> {
  const byAsset = new Map<string, Tag[]>();
  if (assetIds.length === 0) return byAsset;
  const { rows } = await db.query<Tag & { assetId: string }>(
    `SELECT ta.asset_id AS "assetId", ${TAG_COLUMNS} FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id
     WHERE ta.asset_id = ANY($1::uuid[]) AND t.owner_id = $2 ORDER BY t.value`,
    [assetIds, ownerId],
  );
  for (const { assetId, ...tag } of rows) byAsset.set(assetId, [...(byAsset.get(assetId) ?? []), tag]);
  return byAsset;
}

/**
 * Ingest: the asset's tags become what its file (or sidecar) lists, unless a person has tagged
 * or untagged it since ('tags' in asset_exif.locked_properties): their choice outlives a re-read.
 */
export async function applyFileTags(db: Queryable, assetId: string, ownerId: string, values: readonly string[]): Promise<void> {
  if (values.length === 0) {
    // Most files have no keywords: one statement on the ingest path, the lock checked inside it.
    await db.query(
      `DELETE FROM tag_assets ta USING tags t WHERE ta.asset_id = $1 AND t.id = ta.tag_id AND t.owner_id = $2
         AND NOT EXISTS (SELECT 1 FROM asset_exif x WHERE x.asset_id = $1 AND 'tags' = ANY(x.locked_properties))`,
      [assetId, ownerId],
    );
    return;
  }
  const { rows } = await db.query<{ locked: boolean }>(`SELECT 'tags' = ANY(locked_properties) AS locked FROM asset_exif WHERE asset_id = $1`, [assetId]);
  if (rows[0]?.locked) return;
  await setAssetTags(db, assetId, ownerId, values);
}

/** A person changed these assets' tags: lock them against the file's keywords (see applyFileTags). */
export async function lockAssetTags(db: Queryable, assetIds: readonly string[]): Promise<void> {
  if (assetIds.length === 0) return;
  await db.query(
    `INSERT INTO asset_exif AS x (asset_id, locked_properties) SELECT id, '{tags}' FROM assets WHERE id = ANY($1::uuid[])
     ON CONFLICT (asset_id) DO UPDATE SET locked_properties = ARRAY(SELECT DISTINCT unnest(x.locked_properties || '{tags}'::text[])), updated_at = now()
     WHERE NOT ('tags' = ANY(x.locked_properties))`,
    [[...new Set(assetIds)]],
  );
}
