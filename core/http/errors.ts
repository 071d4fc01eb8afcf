import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { isShoeboxError } from '../errors.js';
import type { ApiEnv } from './api-env.js';

/**
 * The one mapping from errors to HTTP, in Immich's error shape
 * ({ message, error, statusCode, correlationId }). Unknown errors are bugs: logged, 500.
 */
export function errorResponse(error: unknown, c: Context<ApiEnv>): Response {
  const correlationId = c.req.header('x-request-id') ?? crypto.randomUUID();
  if (isShoeboxError(error)) {
    return c.json({ message: error.message, error: error.name, statusCode: error.status, correlationId }, error.status as ContentfulStatusCode);
  }
  if (error instanceof z.ZodError) {
    const message = error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    return c.json({ message, error: 'Bad Request', statusCode: 400, correlationId }, 400);
  }
  if (isStorageFull(error)) {
    c.var.ports?.logger.error('storage is full', { correlationId, error: (error as Error).message });
    return c.json({ message: STORAGE_FULL_MESSAGE, error: 'Insufficient Storage', statusCode: 507, correlationId }, 507);
  }
  if (error instanceof SyntaxError) {
    return c.json({ message: 'The request body is not valid JSON', error: 'Bad Request', statusCode: 400, correlationId }, 400);
  }
  c.var.ports?.logger.error('unhandled error', { correlationId, error: (error as Error)?.message, stack: (error as Error)?.stack });
  return c.json({ message: 'Internal server error', error: 'Internal Server Error', statusCode: 500, correlationId }, 500);
}

export const STORAGE_FULL_MESSAGE = "The server's storage is full: free some space (or raise the disk) and try again; nothing was kept";

/** A full disk, as the file system (ENOSPC, EDQUOT) or Postgres (SQLSTATE 53100) reports it. */
export function isStorageFull(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === 'ENOSPC' || code === 'EDQUOT' || code === '53100' || /no space left on device/i.test(message ?? '');
}
