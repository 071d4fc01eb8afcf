import { z } from 'zod';
import { upsertTags, tagAssets } from '../tags/tags.js';
import type { Queryable } from '../ports/database.js';

/**
 * Shoebox's built-in workflow plugin: the filters and actions a workflow's steps name
 * (`shoebox-core#assetFileNameFilter`…), each with the JSON schema Immich's settings page draws
 * its form from, the zod schema that checks a step's config, and what it does. Immich runs
 * WebAssembly plugins; Shoebox's are these functions, in process (no plugin loading).
 */
export const PLUGIN = {
  id: '5d0b0e00-0000-4000-8000-000000000001',
  name: 'shoebox-core',
  version: '1.0.0',
  title: 'Shoebox',
  description: 'Filters and actions for your own new photos and videos',
  author: 'Shoebox',
  createdAt: '2026-12-03T00:00:00.000Z',
} as const;

/** What a step sees of the asset a workflow runs on. */
export interface WorkflowAsset {
  id: string;
  ownerId: string;
  originalFileName: string;
  type: 'IMAGE' | 'VIDEO';
  make: string | null;
  model: string | null;
  city: string | null;
  state: string | null;
  country: string | null;
  timeZone: string | null;
}

interface Method<C extends z.ZodType> {
  name: string;
  title: string;
  description: string;
  kind: 'Filter' | 'Action';
  config: C;
  schema: Record<string, unknown>;
  filter?: (asset: WorkflowAsset, config: z.infer<C>) => boolean;
  act?: (db: Queryable, asset: WorkflowAsset, config: z.infer<C>) => Promise<void>;
}
const method = <C extends z.ZodType>(m: Method<C>) => m;

const text = (title: string, description: string) => ({ type: 'string', title, description });
const flag = (title: string, description: string) => ({ type: 'boolean', title, description, default: false });
const same = (a: string | null, b: string | undefined) => b === undefined || b === '' || (a ?? '').localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

const FileNameConfig = z.object({
  pattern: z.string().min(1).max(500),
  matchType: z.enum(['contains', 'startsWith', 'exact', 'regex']).default('contains'),
  caseSensitive: z.boolean().default(false),
});

export const METHODS = [
  method({
    name: 'assetFileNameFilter',
    title: 'Filter by file name',
    description: 'Go on only for files whose name contains, starts with or is a text, or matches a regular expression',
    kind: 'Filter',
    config: FileNameConfig.refine((c) => c.matchType !== 'regex' || safeRegex(c.pattern, c.caseSensitive) !== undefined, { message: 'Not a valid regular expression', path: ['pattern'] }),
    schema: {
      type: 'object',
      properties: {
        pattern: text('File name pattern', 'Text, or a regular expression'),
        matchType: { type: 'string', title: 'Match type', enum: ['contains', 'startsWith', 'exact', 'regex'], default: 'contains' },
        caseSensitive: flag('Case sensitive', 'Whether capitals count'),
      },
      required: ['pattern'],
    },
    filter: (asset, c) => {
      const name = c.caseSensitive ? asset.originalFileName : asset.originalFileName.toLowerCase();
      const pattern = c.caseSensitive ? c.pattern : c.pattern.toLowerCase();
      if (c.matchType === 'regex') return safeRegex(c.pattern, c.caseSensitive)!.test(asset.originalFileName);
      return c.matchType === 'exact' ? name === pattern : c.matchType === 'startsWith' ? name.startsWith(pattern) : name.includes(pattern);
    },
  }),
  method({
    name: 'assetCameraFilter',
    title: 'Filter by camera',
    description: 'Go on only for photos and videos taken with this camera make and/or model',
    kind: 'Filter',
    config: z.object({ make: z.string().max(200).optional(), model: z.string().max(200).optional() }),
    schema: { type: 'object', properties: { make: text('Make', 'Camera make, e.g. Canon'), model: text('Model', 'Camera model, e.g. EOS R5') } },
    filter: (asset, c) => same(asset.make, c.make) && same(asset.model, c.model),
  }),
  method({
    name: 'assetLocationFilter',
    title: 'Filter by place',
    description: 'Go on only for photos and videos taken in this country, state or city',
    kind: 'Filter',
    config: z.object({ country: z.string().max(200).optional(), state: z.string().max(200).optional(), city: z.string().max(200).optional() }),
    schema: { type: 'object', properties: { country: text('Country', 'As Shoebox names it'), state: text('State', 'State or province'), city: text('City', 'City or town') } },
    filter: (asset, c) => same(asset.country, c.country) && same(asset.state, c.state) && same(asset.city, c.city),
  }),
  method({
    name: 'assetMissingTimeZoneFilter',
    title: 'Filter by missing time zone',
    description: 'Go on only for files without a time zone (or, inverted, only for those with one)',
    kind: 'Filter',
    config: z.object({ inverse: z.boolean().default(false) }),
    schema: { type: 'object', properties: { inverse: flag('Inverse', 'Files with a time zone instead') } },
    filter: (asset, c) => (asset.timeZone === null) !== c.inverse,
  }),
  method({
    name: 'assetTypeFilter',
    title: 'Filter by type',
    description: 'Go on only for photos, or only for videos',
    kind: 'Filter',
    config: z.object({ type: z.enum(['IMAGE', 'VIDEO']) }),
    schema: { type: 'object', properties: { type: { type: 'string', title: 'Type', enum: ['IMAGE', 'VIDEO'] } }, required: ['type'] },
    filter: (asset, c) => asset.type === c.type,
  }),
  method({
    name: 'assetArchive',
    title: 'Archive',
    description: 'Move the asset to the archive (or, inverted, back to the timeline)',
    kind: 'Action',
    config: z.object({ inverse: z.boolean().default(false) }),
    schema: { type: 'object', properties: { inverse: flag('Inverse', 'Unarchive instead') } },
    act: async (db, asset, c) => {
      await db.query(`UPDATE assets SET visibility = $2, updated_at = now() WHERE id = $1 AND visibility IN ('timeline', 'archive') AND visibility <> $2`, [asset.id, c.inverse ? 'timeline' : 'archive']);
    },
  }),
  method({
    name: 'assetFavorite',
    title: 'Favorite',
    description: 'Mark the asset as a favorite (or, inverted, not)',
    kind: 'Action',
    config: z.object({ inverse: z.boolean().default(false) }),
    schema: { type: 'object', properties: { inverse: flag('Inverse', 'Unfavorite instead') } },
    act: async (db, asset, c) => {
      await db.query('UPDATE assets SET is_favorite = $2, updated_at = now() WHERE id = $1 AND is_favorite <> $2', [asset.id, !c.inverse]);
    },
  }),
  method({
    name: 'assetAddToAlbums',
    title: 'Add to albums',
    description: 'Add the asset to your albums, and to an album of this name (made when you have none)',
    kind: 'Action',
    config: z.object({ albumIds: z.array(z.uuid()).max(100).default([]), albumName: z.string().trim().max(200).optional() }),
    schema: {
      type: 'object',
      properties: { albumIds: { type: 'array', title: 'Albums', items: { type: 'string', format: 'uuid' } }, albumName: text('Album name', 'Added to (made if needed) by name') },
    },
    act: async (db, asset, c) => {
      // The owner's own albums only: a workflow acts for its owner, never on someone else's album.
      const { rows } = await db.query<{ id: string }>('SELECT id FROM albums WHERE owner_id = $1 AND id = ANY($2::uuid[])', [asset.ownerId, c.albumIds]);
      const albums = rows.map((r) => r.id);
      if (c.albumName) {
        const named = await db.query<{ id: string }>(
          `WITH found AS (SELECT id FROM albums WHERE owner_id = $1 AND name = $2 ORDER BY created_at LIMIT 1),
                made AS (INSERT INTO albums (owner_id, name, description) SELECT $1, $2, '' WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id)
           SELECT id FROM found UNION ALL SELECT id FROM made`,
          [asset.ownerId, c.albumName],
        );
        albums.push(named.rows[0]!.id);
      }
      await db.query(
        `INSERT INTO album_assets (album_id, asset_id, added_by) SELECT unnest($1::uuid[]), $2, $3 ON CONFLICT DO NOTHING`,
        [albums, asset.id, asset.ownerId],
      );
    },
  }),
  method({
    name: 'assetAddTags',
    title: 'Tag',
    description: 'Tag the asset (paths like Family/Anna; the tags are made when needed)',
    kind: 'Action',
    config: z.object({ tags: z.array(z.string().trim().min(1).max(200)).min(1).max(50) }),
    schema: { type: 'object', properties: { tags: { type: 'array', title: 'Tags', items: { type: 'string' } } }, required: ['tags'] },
    act: async (db, asset, c) => {
      const tags = await upsertTags(db, asset.ownerId, c.tags);
      await tagAssets(db, tags.map((t) => t.id), [asset.id]);
    },
  }),
];

export type PluginMethod = (typeof METHODS)[number];
export const methodKey = (name: string) => `${PLUGIN.name}#${name}`;
export const methodByKey = (key: string): PluginMethod | undefined => METHODS.find((m) => methodKey(m.name) === key);

/** A user's regular expression, compiled once and only when it is one; undefined when it is not. */
function safeRegex(pattern: string, caseSensitive: boolean): RegExp | undefined {
  try {
    return new RegExp(pattern, caseSensitive ? 'u' : 'iu');
  } catch {
    return undefined;
  }
}

/** Immich's PluginResponseDto for the built-in plugin. */
export function pluginDto() {
  return {
    ...PLUGIN,
    updatedAt: PLUGIN.createdAt,
    methods: METHODS.map((m) => ({
      key: methodKey(m.name),
      name: m.name,
      title: m.title,
      description: m.description,
      types: ['AssetV1'],
      schema: m.schema,
      uiHints: [m.kind],
      hostFunctions: false,
    })),
  };
}

/** Ready-made workflows for the settings page (Immich's PluginTemplateResponseDto). */
export const TEMPLATES = [
  {
    key: `${PLUGIN.name}#archive-screenshots`,
    title: 'Archive screenshots',
    description: 'Archive new files with "screenshot" in their name, and put them in a Screenshots album',
    trigger: 'AssetCreate',
    steps: [
      { method: methodKey('assetFileNameFilter'), config: { pattern: 'screenshot', matchType: 'contains', caseSensitive: false } },
      { method: methodKey('assetArchive'), config: { inverse: false } },
      { method: methodKey('assetAddToAlbums'), config: { albumIds: [], albumName: 'Screenshots' } },
    ],
    uiHints: ['SmartAlbum'],
  },
  {
    key: `${PLUGIN.name}#camera-album`,
    title: 'One camera’s photos in an album',
    description: 'Put every new photo from one camera in an album',
    trigger: 'AssetMetadataExtraction',
    steps: [
      { method: methodKey('assetCameraFilter'), config: { make: '', model: '' } },
      { method: methodKey('assetAddToAlbums'), config: { albumIds: [], albumName: 'From my camera' } },
    ],
    uiHints: ['SmartAlbum'],
  },
];
