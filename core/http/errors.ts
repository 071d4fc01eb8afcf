import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isShoeboxError } from '../errors.js';
import type { ApiEnv } from './api-env.js';

/**
 * The one mapping from errors to HTTP, in Immich 3's error shape: `{ message }`, and for a
 * request that fails validation `{ message: 'Validation failed', errors: [{ path, message, … }] }`
 * (zod's issues, as Immich sends them). The correlation id goes in X-Correlation-ID, as Immich
 * sends it; the logs carry it too. Unknown errors are bugs: logged, 500.
 */
export function errorResponse(error: unknown, c: Context<ApiEnv>): Response {
  const correlationId = c.req.header('x-request-id') ?? crypto.randomUUID();
  c.header('X-Correlation-ID', correlationId);
  if (isShoeboxError(error)) return c.json({ message: error.message }, error.status as ContentfulStatusCode);
  if (error instanceof z.ZodError) {
    return c.json({ message: 'Validation failed', errors: error.issues.map(({ input: _input, ...issue }) => issue) }, 400);
  }
  if (isStorageFull(error)) {
    c.var.ports?.logger.error('storage is full', { correlationId, error: (error as Error).message });
    return c.json({ message: STORAGE_FULL_MESSAGE }, 507);
  }
  if (error instanceof SyntaxError) return c.json({ message: 'The request body is not valid JSON' }, 400);
  c.var.ports?.logger.error('unhandled error', { correlationId, error: (error as Error)?.message, stack: (error as Error)?.stack });
  return c.json({ message: 'Internal server error' }, 500);
}

export const STORAGE_FULL_MESSAGE = "The server's storage is full: free some space (or raise the disk) and try again; nothing was kept";

/** A full disk, as the file system (ENOSPC, EDQUOT) or Postgres (SQLSTATE 53100) reports it. */
export function isStorageFull(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ENOSPC' || code === 'EDQUOT' || code === '53100' || /no space left on device/i.test(message ?? '');
}
