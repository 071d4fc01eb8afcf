import type { Context } from 'hono';
import type { z } from 'zod';
import { BadRequest } from '../errors.js';

const MAX_JSON_BYTES = 5 * 1024 * 1024;

/** Parses a JSON body with a zod schema; bad JSON and bad shapes become 400s. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_JSON_BYTES) throw new BadRequest(`The request body is over ${MAX_JSON_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new BadRequest(`The request body is over ${MAX_JSON_BYTES} bytes`);
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new BadRequest('The request body is not valid JSON');
  }
  return schema.parse(value);
}
