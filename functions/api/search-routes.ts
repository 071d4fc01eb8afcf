import { Hono } from 'hono';
import { z } from 'zod';
import { requireAssetRead } from '../../core/access/access.js';
import { getAssets, getExif } from '../../core/assets/asset-queries.js';
import { BadRequest, Unavailable } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { DateInput, jsonBody } from '../../core/http/validate.js';
import { clipModel } from '../../core/ml/loaded-models.js';
import { searchPlaces } from '../../core/places/reverse-geocode.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { SUGGESTION_TYPES, searchSuggestions } from '../../core/search/search-suggestions.js';
import { cachedTextVector, smartSearch } from '../../core/search/smart-search.js';
import { timelineScope } from '../../core/timeline/timeline-scope.js';
import { assetDto } from './dto.js';

const Place = z.string().trim().min(1).max(200);
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
    visibility: z.enum(['archive', 'timeline', 'hidden', 'locked']).optional(),
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
});

export const PlacesQuery = z.object({ name: z.string().trim().min(1).max(200) });

/** Immich's explore page: one recent photo per place where the user took photos. */
const EXPLORE_PLACES = 12;

export const searchRoutes = new Hono<ApiEnv>()
  .get('/search/places', authenticate, (c) => {
    const { name } = PlacesQuery.parse({ name: c.req.query('name') });
    return c.json(searchPlaces(name));
  })
  .get('/search/explore', authenticate, async (c) => {
    const { db } = c.var.ports;
    const { rows } = await db.query<{ id: string; city: string }>(
      `SELECT * FROM (
         SELECT DISTINCT ON (e.city) a.id, e.city, a.taken_at FROM assets a JOIN asset_exif e ON e.asset_id = a.id
          WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.status <> 'uploading' AND e.city IS NOT NULL
          ORDER BY e.city, a.taken_at DESC) per_city
       ORDER BY taken_at DESC LIMIT ${EXPLORE_PLACES}`,
      [c.var.auth.user.id],
    );
    const ids = rows.map((r) => r.id);
    const [assets, exif] = await Promise.all([getAssets(db, ids), getExif(db, ids)]);
    const byId = new Map(assets.map((a) => [a.id, a]));
    const items = rows.flatMap((r) => (byId.has(r.id) ? [{ value: r.city, data: assetDto(byId.get(r.id)!, exif.get(r.id)) }] : []));
    return c.json([{ fieldName: 'exifInfo.city', items }]);
  })
  .get('/search/suggestions', authenticate, async (c) => {
    const { type, ...filter } = SuggestionsQuery.parse(c.req.query());
    return c.json(await searchSuggestions(c.var.ports.db, c.var.auth.user.id, type, filter));
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
