import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { Forbidden } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { acknowledge, deleteCheckpoints, readCheckpoints, SYNC_ENTITY_TYPES, SYNC_REQUEST_TYPES, syncStream } from '../../core/sync/sync-stream.js';

/** Immich's `SyncStreamDto`, `SyncAckSetDto`, `SyncAckDeleteDto`. */
export const SyncStreamRequest = z.object({ types: z.array(z.enum(SYNC_REQUEST_TYPES)).max(100), reset: z.boolean().optional() });
export const SyncAckSet = z.object({ acks: z.array(z.string().max(200)).max(1000) });
export const SyncAckDelete = z.object({ types: z.array(z.enum(SYNC_ENTITY_TYPES)).max(100).optional() });

/** Sync keeps per-session checkpoints: a phone logs in; an API key has no session to keep them in (as in Immich). */
function sessionOf(c: Context<ApiEnv>): string {
  const { sessionId } = c.var.auth;
  if (!sessionId) throw new Forbidden('Sync endpoints cannot be used with API keys');
  return sessionId;
}

/** The phone app's sync protocol (`/sync/stream` and its acks); what it sends lives in core/sync. */
export const syncRoutes = new Hono<ApiEnv>()
  .post('/sync/stream', authenticate, async (c) => {
    const sessionId = sessionOf(c);
    const request = await jsonBody(c, SyncStreamRequest);
    const lines = syncStream(c.var.ports.db, { userId: c.var.auth.user.id, sessionId }, request);
    // The first line is awaited here, so a failure before anything was sent is a plain error answer.
    const first = await lines.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        const next = await lines.next().catch((error: Error) => {
          c.var.ports.logger.error('sync stream failed mid-way', { error: error.message });
          controller.error(error);
          return undefined;
        });
        if (!next) return;
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    return new Response(body, { headers: { 'content-type': 'application/jsonlines+json', 'cache-control': 'no-store' } });
  })
  .get('/sync/ack', authenticate, async (c) => c.json(await readCheckpoints(c.var.ports.db, sessionOf(c))))
  .post('/sync/ack', authenticate, async (c) => {
    const sessionId = sessionOf(c);
    const { acks } = await jsonBody(c, SyncAckSet);
    await acknowledge(c.var.ports.db, sessionId, acks);
    return c.body(null, 204);
  })
  .delete('/sync/ack', authenticate, async (c) => {
    const sessionId = sessionOf(c);
    const { types } = await jsonBody(c, SyncAckDelete);
    await deleteCheckpoints(c.var.ports.db, sessionId, types);
    return c.body(null, 204);
  });
