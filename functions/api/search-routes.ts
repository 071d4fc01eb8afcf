import { Hono } from 'hono';
import { z } from 'zod';
import { ownLibrary, requireAssetRead } from '../../core/access/access.js';
import { countAssets, getAssets, getExif, searchAssets } from '../../core/assets/asset-queries.js';
import type { Asset } from '../../core/assets/asset.js';
import { parseSha1 } from '../../core/assets/checksum.js';
import { BadRequest, Unavailable } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { DateInput, jsonBody, QueryFlag as Flag, VisibilityInput as Visibility } from '../../core/http/validate.js';
import { clipModel } from '../../core/ml/loaded-models.js';
import { searchPlaces } from '../../core/places/reverse-geocode.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { citiesToExplore, newestAssetPerCity, recentlyAdded } from '../../core/search/explore.js';
import { SUGGESTION_TYPES, searchSuggestions } from '../../core/search/search-suggestions.js';
import { cachedTextVector, smartSearch } from '../../core/search/smart-search.js';
import { searchPeopleByName } from '../../core/people/people-queries.js';
import type { Queryable } from '../../core/ports/database.js';
import { timelineScope } from '../../core/timeline/timeline-scope.js';
import { assetDto, personDto } from './dto.js';

const Place = z.string().trim().min(1).max(200);
/** An EXIF value to match, or null for "not known" (Immich's StringFilterNullable). */
const ExifValue = z.string().max(200).nullable().optional();

/** Immich's search filters (MetadataSearchDto, RandomSearchDto, StatisticsSearchDto share them). */
const SearchFilters = z.object({
  type: z.enum(['IMAGE', 'VIDEO']).optional(),
  isFavorite: z.boolean().optional(),
  visibility: Visibility.optional(),
  withDeleted: z.boolean().optional(),
  takenAfter: DateInput.optional(),
  takenBefore: DateInput.optional(),
  createdAfter: DateInput.optional(),
  createdBefore: DateInput.optional(),
  updatedAfter: DateInput.optional(),
  updatedBefore: DateInput.optional(),
  trashedAfter: DateInput.optional(),
  trashedBefore: DateInput.optional(),
  originalFileName: z.string().max(255).optional(),
  originalPath: z.string().max(4096).optional(),
  city: ExifValue,
  state: ExifValue,
  country: ExifValue,
  make: ExifValue,
  model: ExifValue,
  lensModel: ExifValue,
  description: z.string().max(1000).optional(),
  rating: z.number().int().min(-1).max(5).nullable().optional(),
  isMotion: z.boolean().optional(),
  isOffline: z.boolean().optional(),
  isEncoded: z.boolean().optional(),
  isNotInAlbum: z.boolean().optional(),
  libraryId: z.uuid().nullable().optional(),
  /** Assets carrying every one of these tags (or a tag under it); null: assets with no tag. */
  tagIds: z.array(z.uuid()).max(20).nullable().optional(),
  albumIds: z.array(z.uuid()).max(100).optional(),
  personIds: z.array(z.uuid()).max(20).optional(),
  withStacked: z.boolean().optional(),
});
export const MetadataSearch = SearchFilters.extend({
  id: z.uuid().optional(),
  checksum: z.string().optional(),
  trashedOnly: z.boolean().optional(),
  withExif: z.boolean().optional(),
  /** Shoebox's addition: assets carrying all these tags, by whole value ('Family/Anna'). */
  tagNames: z.array(z.string().max(200)).max(20).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(1).max(100_000).default(1),
  size: z.number().int().min(1).max(1000).default(250),
});
export const RandomSearch = SearchFilters.extend({ withExif: z.boolean().optional(), size: z.number().int().min(1).max(1000).default(250) });
export const StatisticsSearch = SearchFilters;
/** POST /search/large-assets takes its filters in the query string (as the SDK sends them). */
const LargeAssetsQuery = z.object({
  minFileSize: z.coerce.number().int().min(0).optional(),
  size: z.coerce.number().int().min(1).max(1000).default(250),
  type: z.enum(['IMAGE', 'VIDEO']).optional(),
  visibility: Visibility.optional(),
  isFavorite: Flag.optional(),
  withDeleted: Flag.optional(),
  withExif: Flag.optional(),
  takenAfter: DateInput.optional(),
  takenBefore: DateInput.optional(),
  libraryId: z.uuid().optional(),
});
const PersonSearchQuery = z.object({ name: z.string().trim().min(1).max(200), withHidden: Flag.optional() });
/** Immich's SmartSearchDto, less what Shoebox does not have (lens, language). */
export const SmartSearchBody = z
  .object({
    query: z.string().trim().min(1).max(1000).optional(),
    /** "More like this": the vector of one of the requester's assets. */
    queryAssetId: z.uuid().optional(),
    page: z.number().int().min(1).max(1000).default(1),
    size: z.number().int().min(1).max(1000).default(100),
    type: z.enum(['IMAGE', 'VIDEO']).optional(),
    isFavorite: z.boolean().optional(),
    visibility: Visibility.optional(),
    withArchived: z.boolean().optional(),
    takenAfter: DateInput.optional(),
    takenBefore: DateInput.optional(),
    city: Place.optional(),
    state: Place.optional(),
    country: Place.optional(),
    make: Place.optional(),
    model: Place.optional(),
    personIds: z.array(z.uuid()).max(20).optional(),
    tagIds: z.array(z.uuid()).max(20).optional(),
    albumIds: z.array(z.uuid()).max(1, 'one album at a time').optional(),
  })
  .refine((b) => Boolean(b.query) !== Boolean(b.queryAssetId), 'Give either query or queryAssetId');

export const SuggestionsQuery = z.object({
  type: z.enum(SUGGESTION_TYPES),
  country: Place.optional(),
  state: Place.optional(),
  make: Place.optional(),
  /** Immich's includeNull: the list ends with null, the chip for "not known". */
  includeNull: Flag.optional(),
});

export const PlacesQuery = z.object({ name: z.string().trim().min(1).max(200) });

/** Assets as a search answers them, EXIF included when asked. */
async function assetList(db: Queryable, items: Asset[], withExif: boolean | undefined) {
  const exif = withExif ? await getExif(db, items.map((a) => a.id)) : new Map();
  return items.map((asset) => assetDto(asset, exif.get(asset.id)));
}

export const searchRoutes = new Hono<ApiEnv>()
  .post('/search/metadata', authenticate, async (c) => {
    const q = await jsonBody(c, MetadataSearch);
    const { db } = c.var.ports;
    const { items, total } = await searchAssets(db, { ...q, checksum: q.checksum ? parseSha1(q.checksum) : undefined, ...ownLibrary(c.var.auth, q.visibility) });
    return c.json({
      albums: { total: 0, count: 0, items: [], facets: [] },
      assets: {
        total,
        count: items.length,
        items: await assetList(db, items, q.withExif),
        facets: [],
        nextPage: q.page * q.size < total ? String(q.page + 1) : null,
        nextCursor: null,
      },
    });
  })
  .post('/search/random', authenticate, async (c) => {
    const q = await jsonBody(c, RandomSearch);
    const { items } = await searchAssets(c.var.ports.db, { ...q, ...ownLibrary(c.var.auth, q.visibility), order: 'desc', orderBy: 'random', page: 1 });
    return c.json(await assetList(c.var.ports.db, items, q.withExif));
  })
  .post('/search/statistics', authenticate, async (c) => {
    const q = await jsonBody(c, StatisticsSearch);
    return c.json({ total: await countAssets(c.var.ports.db, { ...q, ...ownLibrary(c.var.auth, q.visibility) }) });
  })
  .post('/search/large-assets', authenticate, async (c) => {
    const q = LargeAssetsQuery.parse(c.req.query());
    const { items } = await searchAssets(c.var.ports.db, { ...q, ...ownLibrary(c.var.auth, q.visibility), order: 'desc', orderBy: 'fileSize', page: 1 });
    return c.json(await assetList(c.var.ports.db, items, q.withExif));
  })
  .get('/search/person', authenticate, async (c) => {
    const { name, withHidden } = PersonSearchQuery.parse(c.req.query());
    return c.json((await searchPeopleByName(c.var.ports.db, c.var.auth.user.id, name, withHidden ?? false)).map(personDto));
  })
  .get('/search/cities', authenticate, async (c) => {
    const { db } = c.var.ports;
    const places = await newestAssetPerCity(db, c.var.auth.user.id, 1000);
    // getAssets keeps the order asked: newest place first.
    return c.json(await assetList(db, await getAssets(db, places.map((p) => p.id)), true));
  })
  .get('/search/places', authenticate, (c) => {
    const { name } = PlacesQuery.parse({ name: c.req.query('name') });
    return c.json(searchPlaces(name));
  })
  .get('/search/explore', authenticate, async (c) => {
    const { db } = c.var.ports;
    const me = c.var.auth.user.id;
    const [places, recent] = await Promise.all([citiesToExplore(db, me), recentlyAdded(db, me)]);
    const assets = new Map((await assetList(db, await getAssets(db, [...places, ...recent].map((p) => p.id)), true)).map((a) => [a.id, a]));
    return c.json([
      { fieldName: 'exifInfo.city', items: places.flatMap((p) => (assets.has(p.id) ? [{ value: p.city, data: assets.get(p.id)! }] : [])) },
      { fieldName: 'createdAt', items: recent.flatMap((r) => (assets.has(r.id) ? [{ value: r.createdAt.toISOString(), data: assets.get(r.id)! }] : [])) },
    ]);
  })
  .get('/search/suggestions', authenticate, async (c) => {
    const { type, includeNull, ...filter } = SuggestionsQuery.parse(c.req.query());
    const values: Array<string | null> = await searchSuggestions(c.var.ports.db, c.var.auth.user.id, type, filter);
    return c.json(includeNull ? [...values, null] : values);
  })
  .post('/search/smart', authenticate, async (c) => {
  const body = await jsonBody(c, SmartSearchBody);
  const { db, config } = c.var.ports;
  const settings = await readMlSettings(db, config);
  if (!settings.enabled || !settings.clip.enabled) throw new BadRequest('Smart search is turned off in the machine-learning settings');

  let vector: Float32Array;
  if (body.queryAssetId) {
    await requireAssetRead(db, c.var.auth, [body.queryAssetId]);
    const { rows } = await db.query<{ embedding: string }>('SELECT embedding::text FROM smart_search WHERE asset_id = $1', [body.queryAssetId]);
    if (!rows[0]) throw new BadRequest('That asset has not been indexed for smart search yet');
    vector = Float32Array.from(JSON.parse(rows[0].embedding) as number[]);
  } else {
    const model = await clipModel(c.var.ports, settings.clip.modelName);
    if (!model) throw new Unavailable(`Smart search needs the CLIP model ${settings.clip.modelName}: run \`npm run models\``);
    vector = await cachedTextVector(model.name, body.query!, (text) => model.encodeText(text));
  }

  const scope = await timelineScope(db, c.var.auth, {
    albumId: body.albumIds?.[0],
    isFavorite: body.isFavorite,
    visibility: body.visibility,
    withArchived: body.withArchived,
    takenAfter: body.takenAfter,
    takenBefore: body.takenBefore,
    type: body.type,
    city: body.city,
    state: body.state,
    country: body.country,
    make: body.make,
    model: body.model,
    personIds: body.personIds,
    tagIds: body.tagIds,
  });
  const found = await smartSearch(db, scope, vector, body.page, body.size);
  const [assets, exif] = await Promise.all([getAssets(db, found.ids), getExif(db, found.ids)]);
  const byId = new Map(assets.map((a) => [a.id, a]));
  const items = found.ids.flatMap((id) => (byId.has(id) ? [assetDto(byId.get(id)!, exif.get(id))] : []));
  return c.json({
    albums: { total: 0, count: 0, items: [], facets: [] },
    assets: { total: items.length, count: items.length, items, facets: [], nextPage: found.nextPage === null ? null : String(found.nextPage) },
  });
});
