import { Hono } from 'hono';
import { z } from 'zod';
import { albumRole, requireAlbumRole } from '../../core/access/access.js';
import { activityStatistics, deleteActivity, getActivity, insertActivity, listActivities } from '../../core/albums/activity-queries.js';
import { albumHasAsset, getAlbum } from '../../core/albums/album-queries.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { activityDto } from './dto.js';

export const ActivityCreate = z
  .object({
    albumId: z.uuid(),
    assetId: z.uuid().optional(),
    type: z.enum(['comment', 'like']),
    comment: z.string().trim().min(1).max(10_000).optional(),
  })
  .refine((a) => (a.type === 'comment') === (a.comment !== undefined), { message: 'A comment needs text; a like has none' });
const ActivityQuery = z.object({
  albumId: z.uuid(),
  assetId: z.uuid().optional(),
  type: z.enum(['comment', 'like']).optional(),
  level: z.enum(['album', 'asset']).optional(),
  userId: z.uuid().optional(),
});
const StatisticsQuery = z.object({ albumId: z.uuid(), assetId: z.uuid().optional() });

/** Comments and likes: anyone who can see the album reads and adds them; authors delete their own, the owner any. */
export const activityRoutes = new Hono<ApiEnv>()
  .use('/activities', authenticate)
  .use('/activities/*', authenticate)
  .get('/activities', async (c) => {
    const q = ActivityQuery.parse(c.req.query());
    await requireAlbumRole(c.var.ports.db, c.var.auth, q.albumId, 'viewer', 'activity.read');
    return c.json((await listActivities(c.var.ports.db, q)).map(activityDto));
  })
  .get('/activities/statistics', async (c) => {
    const q = StatisticsQuery.parse(c.req.query());
    await requireAlbumRole(c.var.ports.db, c.var.auth, q.albumId, 'viewer', 'activity.read');
    return c.json(await activityStatistics(c.var.ports.db, q.albumId, q.assetId));
  })
  .post('/activities', async (c) => {
    const body = await jsonBody(c, ActivityCreate);
    const { db } = c.var.ports;
    await requireAlbumRole(db, c.var.auth, body.albumId, 'viewer', 'activity.create');
    if (!(await getAlbum(db, body.albumId))!.isActivityEnabled) throw new BadRequest('Comments and likes are turned off for this album');
    if (body.assetId && !(await albumHasAsset(db, body.albumId, body.assetId))) {
      throw new BadRequest('Not found: that asset is not in this album');
    }
    const { activity, created } = await insertActivity(db, {
      albumId: body.albumId,
      assetId: body.assetId ?? null,
      userId: c.var.auth.user.id,
      type: body.type,
      comment: body.comment ?? null,
    });
    return c.json(activityDto(activity), created ? 201 : 200);
  })
  .delete('/activities/:id', async (c) => {
    const id = c.req.param('id');
    const { db } = c.var.ports;
    const activity = z.uuid().safeParse(id).success ? await getActivity(db, id) : undefined;
    const role = activity && (await albumRole(db, c.var.auth, activity.albumId));
    if (!activity || !role || (activity.userId !== c.var.auth.user.id && role !== 'owner')) {
      throw new BadRequest('Not found or no activity.delete access');
    }
    await deleteActivity(db, id);
    return c.body(null, 204);
  });
