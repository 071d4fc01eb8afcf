import type { Context } from 'hono';
import { z } from 'zod';
import { BadRequest, PayloadTooLarge, UnsupportedMedia } from '../errors.js';

const MAX_JSON_BYTES = 5 * 1024 * 1024;
/** Past the limit, the rest of a body is read and dropped up to here, so the client hears the 413 instead of a reset. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Parses a JSON body with a zod schema; bad JSON and bad shapes become 400s. The body must
 * say it is JSON: a form or `text/plain` body (what a cross-site page can send without asking)
 * is refused. It is read as a stream and cut at MAX_JSON_BYTES, whatever Content-Length says.
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const text = await readBodyText(c.req.raw, true);
  // No body is an empty object where every field may be left out; where something is required,
  // it is refused as Immich refuses it ("expected object, received undefined").
  if (text === '') {
    const empty = schema.safeParse({});
    return empty.success ? empty.data : schema.parse(undefined);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('The request body is not valid JSON');
  }
  // Postgres cannot store NUL in text: refuse it here, before it becomes a 500 in a query.
  if (/\\u0000/i.test(text)) throw new BadRequest('Text may not contain NUL (\\u0000) characters');
  return schema.parse(value);
}

/**
 * A body that may come as a form (`application/x-www-form-urlencoded`) or as JSON: for the
 * server-to-server posts that standards define as forms (OpenID back-channel logout), where no
 * browser session is involved, so a form cannot be a cross-site request forgery.
 */
export async function formOrJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('content-type') ?? '')) return jsonBody(c, schema);
  const text = await readBodyText(c.req.raw, false);
  return schema.parse(Object.fromEntries(new URLSearchParams(text)));
}

async function readBodyText(request: Request, mustBeJson: boolean): Promise<string> {
  if (!request.body) return '';
  const length = Number(request.headers.get('content-length') ?? 0);
  const tooLarge = new PayloadTooLarge(`The request body is over ${MAX_JSON_BYTES} bytes`);
  if (length > MAX_DRAIN_BYTES) throw tooLarge;
  const type = request.headers.get('content-type') ?? '';
  const isJson = /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_DRAIN_BYTES) {
      await reader.cancel();
      throw tooLarge;
    }
    if (size <= MAX_JSON_BYTES) chunks.push(value);
  }
  if (size > MAX_JSON_BYTES) throw tooLarge;
  if (size === 0) return '';
  if (mustBeJson && !isJson) throw new UnsupportedMedia('Send the request body as JSON (Content-Type: application/json)');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BadRequest('The request body is not valid UTF-8');
  }
}

/**
 * The rest of a request body no handler read (a request refused before its body mattered: no
 * credentials, no admin, a server already set up), read and dropped up to MAX_DRAIN_BYTES.
 * Answering while the client is still sending and closing on it makes the client see a reset
 * instead of the answer, and a connection it meant to reuse fail under its next request.
 */
export async function drainUnreadBody(request: Request): Promise<void> {
  const body = request.body;
  if (!body || request.bodyUsed || body.locked) return;
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.length;
      if (size > MAX_DRAIN_BYTES) return void (await reader.cancel());
    }
  } catch {
    // The client went away: nothing left to drain.
  }
}

/** A date Postgres can store (years 1–9999): JavaScript's dates reach year 275760 and would fail in a query. */
export const DateInput = z.coerce.date().refine((date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999, 'a date between years 1 and 9999');

/** A calendar day, `YYYY-MM-DD`, that exists (no 2023-02-30, no year 0). */
export const DayInput = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date: YYYY-MM-DD')
  // zod runs refinements even after the regex failed: this one must not throw on any string.
  .refine((day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return day >= '0001-01-01' && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
  }, 'a date that exists: YYYY-MM-DD');

/** A path parameter that must be a UUID; a bad one fails validation under its name, as Immich reports it. */
export function uuidParam(c: Context, name = 'id'): string {
  return z.object({ [name]: z.uuid() }).parse({ [name]: c.req.param(name) })[name]!;
}

/** Immich's AssetVisibility, as a request gives it. */
export const VisibilityInput = z.enum(['archive', 'timeline', 'hidden', 'locked']);

/** A query-string boolean: 'true' or 'false', nothing else. */
export const QueryFlag = z.enum(['true', 'false']).transform((v) => v === 'true');
