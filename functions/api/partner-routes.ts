import { Hono } from 'hono';
import { z } from 'zod';
import { deletePartner, insertPartner, listPartners, setPartnerInTimeline, type PartnerRow } from '../../core/sharing/partner-queries.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { userDto } from './dto.js';

export const PartnerCreate = z.object({ sharedWithId: z.uuid() });
export const PartnerUpdate = z.object({ inTimeline: z.boolean() });
const Direction = z.object({ direction: z.enum(['shared-by', 'shared-with']) });

const partnerDto = (p: PartnerRow) => ({ ...userDto(p), inTimeline: p.inTimeline });

function partnerId(id: string | undefined, me: string): string {
  if (!z.uuid().safeParse(id).success || id === me) throw new BadRequest('Not found: no such partner');
  return id!;
}

async function share(db: ApiEnv['Variables']['ports']['db'], me: string, id: string) {
  const partner = await insertPartner(db, me, partnerId(id, me));
  if (!partner) throw new BadRequest('Not found: no such user');
  if (partner === 'exists') throw new BadRequest('Partner already exists');
  return partnerDto(partner);
}

/** Partner sharing: A shares their whole library with B, read only; B decides if it shows in B's timeline. */
export const partnerRoutes = new Hono<ApiEnv>()
  .use('/partners', authenticate)
  .use('/partners/*', authenticate)
  .get('/partners', async (c) => {
    const { direction } = Direction.parse(c.req.query());
    return c.json((await listPartners(c.var.ports.db, c.var.auth.user.id, direction)).map(partnerDto));
  })
  .post('/partners', async (c) => {
    const { sharedWithId } = await jsonBody(c, PartnerCreate);
    return c.json(await share(c.var.ports.db, c.var.auth.user.id, sharedWithId), 201);
  })
  // Immich's older path, still used by its clients.
  .post('/partners/:id', async (c) => c.json(await share(c.var.ports.db, c.var.auth.user.id, c.req.param('id')), 201))
  .put('/partners/:id', async (c) => {
    const { inTimeline } = await jsonBody(c, PartnerUpdate);
    const me = c.var.auth.user.id;
    const partner = await setPartnerInTimeline(c.var.ports.db, partnerId(c.req.param('id'), me), me, inTimeline);
    if (!partner) throw new BadRequest('Not found: that user does not share with you');
    return c.json(partnerDto(partner));
  })
  .delete('/partners/:id', async (c) => {
    const me = c.var.auth.user.id;
    if (!(await deletePartner(c.var.ports.db, me, partnerId(c.req.param('id'), me)))) {
      throw new BadRequest('Partner not found');
    }
    return c.body(null, 204);
  });
