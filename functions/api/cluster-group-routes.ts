import { Hono } from 'hono';
import { z } from 'zod';
import { requireOwnClusterGroup } from '../../core/access/access.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { reclusterFaces } from '../../core/people/recognize-faces.js';
import { userDto } from './dto.js';

/** Immich's ClusterGroupRequestCreateDto. */
export const ClusterGroupRequestCreate = z.object({ userId: z.uuid() });
const NOT_YET = 'Shoebox does not join accounts into one cluster group yet: each account keeps its own people';

/**
 * Immich 3.2's cluster groups (families sharing one set of people across accounts), read
 * faithfully for the group each account is: itself. Joining groups is refused in words that say
 * why; regenerating a group's people re-clusters the account's faces.
 */
export const clusterGroupRoutes = new Hono<ApiEnv>()
  .use('/cluster-groups/*', authenticate)
  .get('/cluster-groups/requests', (c) => c.json([]))
  .delete('/cluster-groups/requests/:id', (c) => {
    uuidParam(c);
    throw new BadRequest('Not found or no clusterGroupRequest.delete access');
  })
  .post('/cluster-groups/requests/:id/accept', (c) => {
    uuidParam(c);
    throw new BadRequest('Not found or no clusterGroupRequest.read access');
  })
  .get('/cluster-groups/:id/users', (c) => {
    requireOwnClusterGroup(c.var.auth, uuidParam(c), 'clusterGroup.read');
    return c.json([userDto(c.var.auth.user)]);
  })
  .get('/cluster-groups/:id/requests', (c) => {
    requireOwnClusterGroup(c.var.auth, uuidParam(c), 'clusterGroupRequest.read');
    return c.json([]);
  })
  .put('/cluster-groups/:id/requests', async (c) => {
    requireOwnClusterGroup(c.var.auth, uuidParam(c), 'clusterGroupRequest.create');
    await jsonBody(c, ClusterGroupRequestCreate);
    throw new BadRequest(NOT_YET);
  })
  .post('/cluster-groups/:id/leave', (c) => {
    requireOwnClusterGroup(c.var.auth, uuidParam(c), 'clusterGroup.leave');
    throw new BadRequest('An account cannot leave its own cluster group');
  })
  .post('/cluster-groups/:id/regenerate-people', async (c) => {
    requireOwnClusterGroup(c.var.auth, uuidParam(c), 'clusterGroup.read');
    const settings = await readMlSettings(c.var.ports.db, c.var.ports.config);
    await reclusterFaces(c.var.ports.db, c.var.auth.user.id, settings.facialRecognition);
    return c.body(null, 204);
  });
