import { Hono } from 'hono';
import { z } from 'zod';
import { requireOwnSession } from '../../core/access/access.js';
import { lockSession } from '../../core/auth/pin-code.js';
import { deleteOtherSessions, deleteSession, insertSession, listSessions, setSessionSyncReset, type Session } from '../../core/auth/sessions.js';
import { hashSecret, newSecret } from '../../core/auth/tokens.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, forgetUserCredentials } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';

/** Immich's SessionCreateDto: a session for another device (a TV, a photo frame), optionally for a while only. */
export const SessionCreate = z.object({
  duration: z.int().min(1).max(100 * 365 * 86_400).optional(),
  deviceType: z.string().max(100).optional(),
  deviceOS: z.string().max(100).optional(),
});
export const SessionUpdate = z.object({ isPendingSyncReset: z.boolean().optional() });

/** Immich's SessionResponseDto; `current` is the session asking. */
export function sessionDto(s: Session, currentId?: string) {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    ...(s.expiresAt ? { expiresAt: s.expiresAt.toISOString() } : {}),
    current: s.id === currentId,
    deviceType: s.deviceType,
    deviceOS: s.deviceOS,
    appVersion: s.appVersion,
    isPendingSyncReset: s.isPendingSyncReset,
  };
}

/** The devices signed in to an account (Immich's /sessions): list, sign one or all others out, make one for a device. */
export const sessionRoutes = new Hono<ApiEnv>()
  .use('/sessions', authenticate)
  .use('/sessions/*', authenticate)
  .get('/sessions', async (c) => {
    const { db, clock } = c.var.ports;
    return c.json((await listSessions(db, c.var.auth.user.id, clock.now())).map((s) => sessionDto(s, c.var.auth.sessionId)));
  })
  .post('/sessions', async (c) => {
    const body = await jsonBody(c, SessionCreate);
    const { sessionId, user } = c.var.auth;
    if (!sessionId) throw new BadRequest('This endpoint can only be used with a session token');
    const token = newSecret();
    const expiresAt = body.duration ? new Date(c.var.ports.clock.now().getTime() + body.duration * 1000) : null;
    const device = { deviceType: body.deviceType ?? '', deviceOS: body.deviceOS ?? '', appVersion: null };
    const session = await insertSession(c.var.ports.db, { userId: user.id, tokenHash: hashSecret(token), device, expiresAt, parentId: sessionId });
    return c.json({ ...sessionDto(session), token }, 201);
  })
  .delete('/sessions', async (c) => {
    await deleteOtherSessions(c.var.ports.db, c.var.auth.user.id, c.var.auth.sessionId);
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  .put('/sessions/:id', async (c) => {
    const id = uuidParam(c);
    const body = await jsonBody(c, SessionUpdate);
    await requireOwnSession(c.var.ports.db, c.var.auth, id, 'session.update');
    if (body.isPendingSyncReset === undefined) throw new BadRequest('No fields to update');
    return c.json(sessionDto(await setSessionSyncReset(c.var.ports.db, id, body.isPendingSyncReset), c.var.auth.sessionId));
  })
  .delete('/sessions/:id', async (c) => {
    const id = uuidParam(c);
    await requireOwnSession(c.var.ports.db, c.var.auth, id, 'authDevice.delete');
    await deleteSession(c.var.ports.db, id);
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  .post('/sessions/:id/lock', async (c) => {
    const id = uuidParam(c);
    await requireOwnSession(c.var.ports.db, c.var.auth, id, 'session.lock');
    await lockSession(c.var.ports.db, id);
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  });
