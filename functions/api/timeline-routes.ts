import { Hono, type Context } from 'hono';
import { showsMetadata } from './dto.js';
import { z } from 'zod';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, authenticateOrSharedLink } from '../../core/http/authenticate.js';
import { getAssets, getExif } from '../../core/assets/asset-queries.js';
import { addMemoryAssets, createMemory, memoryStatistics, removeMemoryAssets } from '../../core/memories/memories.js';
import { generateOnThisDay, getMemory, listMemories, updateMemory, type MemoryRow } from '../../core/memories/on-this-day.js';
import { isValidCoordinate, reverseGeocode } from '../../core/places/reverse-geocode.js';
import type { Ports } from '../../core/runtime/ports.js';
import { mapMarkersJson } from '../../core/timeline/map-markers.js';
import { timeBucketAssets, timeBuckets } from '../../core/timeline/time-buckets.js';
import { timelineScope, type TimelineFilter } from '../../core/timeline/timeline-scope.js';
import { DateInput, jsonBody, QueryFlag as Flag, uuidParam, VisibilityInput } from '../../core/http/validate.js';
import { shareableAssetIds } from '../../core/access/access.js';
import { assetDto } from './dto.js';

const TimelineQuery = z.object({
  albumId: z.uuid().optional(),
  userId: z.uuid().optional(),
  withPartners: Flag.optional(),
  withStacked: Flag.optional(),
  isFavorite: Flag.optional(),
  isTrashed: Flag.optional(),
  visibility: VisibilityInput.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  /** Shoebox's additions: one kind of asset, one place. */
  type: z.enum(['IMAGE', 'VIDEO']).optional(),
  city: z.string().max(200).optional(),
  personId: z.uuid().optional(),
  tagId: z.uuid().optional(),
  key: z.string().optional(),
  token: z.string().optional(),
});
const BucketQuery = TimelineQuery.extend({ timeBucket: z.string().regex(/^\d{4}-\d{2}-01(T00:00:00(\.000)?Z?)?$/, 'timeBucket is a month: YYYY-MM-01') });
const MarkerQuery = z.object({
  isArchived: Flag.optional(),
  isFavorite: Flag.optional(),
  fileCreatedAfter: DateInput.optional(),
  fileCreatedBefore: DateInput.optional(),
  withPartners: Flag.optional(),
  withSharedAlbums: Flag.optional(),
});
/** Immich's MapReverseGeocodeDto: its validation messages name the bound passed. */
const GeocodeQuery = z.object({ lat: z.coerce.number().min(-90).max(90), lon: z.coerce.number().min(-180).max(180) });
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}/).transform((d) => d.slice(0, 10));
const MemoryQuery = z.object({ for: Day.optional(), isSaved: Flag.optional() });
export const MemoryUpdate = z.strictObject({ isSaved: z.boolean().optional(), seenAt: DateInput.optional() });
/** Immich's MemoryCreateDto: an "on this day" memory for a date and the year its photos are from. */
export const MemoryCreate = z.object({
  type: z.literal('on_this_day'),
  data: z.object({ year: z.number().int().min(1000).max(9999) }),
  memoryAt: DateInput,
  assetIds: z.array(z.uuid()).max(10_000).optional(),
  isSaved: z.boolean().optional(),
  seenAt: DateInput.optional(),
});
export const MemoryAssetIds = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) });
const MemoryStatisticsQuery = z.object({ isSaved: Flag.optional() });

function filterOf(q: z.infer<typeof TimelineQuery>): TimelineFilter {
  const { albumId, userId, withPartners, withStacked, isFavorite, isTrashed, visibility, type, city, personId, tagId } = q;
  return {
    ...{ albumId, userId, withPartners, withStacked, isFavorite, isTrashed, visibility, type, city },
    personIds: personId ? [personId] : undefined,
    tagIds: tagId ? [tagId] : undefined,
  };
}

async function memoryDto(ports: Ports, m: MemoryRow) {
  const assets = await getAssets(ports.db, m.assetIds);
  const exif = await getExif(ports.db, m.assetIds);
  return {
    id: m.id,
    ownerId: m.ownerId,
    type: 'on_this_day',
    data: { year: m.year },
    memoryAt: `${m.memoryAt}T00:00:00.000Z`,
    isSaved: m.isSaved,
    seenAt: m.seenAt?.toISOString(),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    assets: assets.map((a) => assetDto(a, exif.get(a.id))),
  };
}

/** The requester's memory named in the path (someone else's looks missing). */
async function ownMemory(c: Context<ApiEnv>, permission: string): Promise<string> {
  const id = uuidParam(c);
  if (!(await getMemory(c.var.ports.db, c.var.auth.user.id, id))) throw new BadRequest(`Not found or no ${permission} access`);
  return id;
}

function memoryId(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new BadRequest('Not found or no memory.read access');
  return id;
}

/** Timeline buckets, the map and memories: three views over the same scoped assets. */
export const timelineRoutes = new Hono<ApiEnv>()
  .get('/timeline/buckets', authenticateOrSharedLink, async (c) => {
    const q = TimelineQuery.parse(c.req.query());
    const scope = await timelineScope(c.var.ports.db, c.var.auth, filterOf(q));
    return c.json(await timeBuckets(c.var.ports.db, scope, q.order));
  })
  .get('/timeline/bucket', authenticateOrSharedLink, async (c) => {
    const q = BucketQuery.parse(c.req.query());
    const scope = await timelineScope(c.var.ports.db, c.var.auth, filterOf(q));
    const bucket = await timeBucketAssets(c.var.ports.db, scope, q.timeBucket.slice(0, 10), q.order, { withStacked: q.withStacked === true });
    // A link that hides metadata hides where, too.
    if (!showsMetadata(c.var.auth)) bucket.city = bucket.country = bucket.city.map(() => null);
    return c.json(bucket);
  })
  .get('/map/markers', authenticate, async (c) => {
    const q = MarkerQuery.parse(c.req.query());
    const scope = await timelineScope(c.var.ports.db, c.var.auth, {
      withPartners: q.withPartners,
      withSharedAlbums: q.withSharedAlbums,
      isFavorite: q.isFavorite,
      withArchived: q.isArchived,
      takenAfter: q.fileCreatedAfter,
      takenBefore: q.fileCreatedBefore,
    });
    return c.body(await mapMarkersJson(c.var.ports.db, scope), 200, { 'content-type': 'application/json' });
  })
  // An album's photos on its map: its members', or a link holder's when the link is the album's.
  .get('/albums/:id/map-markers', authenticateOrSharedLink, async (c) => {
    const scope = await timelineScope(c.var.ports.db, c.var.auth, { albumId: uuidParam(c) });
    return c.body(await mapMarkersJson(c.var.ports.db, scope), 200, { 'content-type': 'application/json' });
  })
  .get('/map/reverse-geocode', authenticate, async (c) => {
    const { lat, lon } = GeocodeQuery.parse(c.req.query());
    if (!isValidCoordinate(lat, lon)) throw new BadRequest('lat must be within ±90 and lon within ±180');
    const place = reverseGeocode(lat, lon);
    return c.json(place ? [place] : []);
  })
  .get('/memories', authenticate, async (c) => {
    const q = MemoryQuery.parse(c.req.query());
    const { ports } = c.var;
    if (q.for) await generateOnThisDay(ports.db, q.for, c.var.auth.user.id);
    const memories = await listMemories(ports.db, c.var.auth.user.id, { day: q.for, isSaved: q.isSaved });
    return c.json(await Promise.all(memories.map((m) => memoryDto(ports, m))));
  })
  .post('/memories', authenticate, async (c) => {
    const body = await jsonBody(c, MemoryCreate);
    const { ports } = c.var;
    const me = c.var.auth.user.id;
    const id = await createMemory(ports.db, me, { memoryAt: body.memoryAt, year: body.data.year, isSaved: body.isSaved, seenAt: body.seenAt });
    // Immich adds the assets the requester may share and skips the rest.
    const ids = body.assetIds ?? [];
    await addMemoryAssets(ports.db, id, ids, await shareableAssetIds(ports.db, c.var.auth, ids));
    return c.json(await memoryDto(ports, (await getMemory(ports.db, me, id))!), 201);
  })
  .get('/memories/statistics', authenticate, async (c) => {
    const { isSaved } = MemoryStatisticsQuery.parse(c.req.query());
    return c.json(await memoryStatistics(c.var.ports.db, c.var.auth.user.id, isSaved));
  })
  .put('/memories/:id/assets', authenticate, async (c) => {
    const id = await ownMemory(c, 'memoryAsset.create');
    const { ids } = await jsonBody(c, MemoryAssetIds);
    const { db } = c.var.ports;
    return c.json(await addMemoryAssets(db, id, ids, await shareableAssetIds(db, c.var.auth, ids)));
  })
  .delete('/memories/:id/assets', authenticate, async (c) => {
    const id = await ownMemory(c, 'memoryAsset.delete');
    const { ids } = await jsonBody(c, MemoryAssetIds);
    return c.json(await removeMemoryAssets(c.var.ports.db, id, ids));
  })
  .get('/memories/:id', authenticate, async (c) => {
    const memory = await getMemory(c.var.ports.db, c.var.auth.user.id, memoryId(c.req.param('id')));
    if (!memory) throw new BadRequest('Not found or no memory.read access');
    return c.json(await memoryDto(c.var.ports, memory));
  })
  .put('/memories/:id', authenticate, async (c) => {
    const body = await jsonBody(c, MemoryUpdate);
    const { db } = c.var.ports;
    const id = memoryId(c.req.param('id'));
    if (!(await updateMemory(db, c.var.auth.user.id, id, body))) throw new BadRequest('Not found or no memory.update access');
    return c.json(await memoryDto(c.var.ports, (await getMemory(db, c.var.auth.user.id, id))!));
  })
  // Deleting a memory hides it: the daily job will not bring it back.
  .delete('/memories/:id', authenticate, async (c) => {
    if (!(await updateMemory(c.var.ports.db, c.var.auth.user.id, memoryId(c.req.param('id')), { hidden: true }))) {
      throw new BadRequest('Not found or no memory.delete access');
    }
    return c.body(null, 204);
  });

