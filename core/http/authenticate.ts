import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { Forbidden, Unauthorized } from '../errors.js';
import { hashSecret } from '../auth/tokens.js';
import { userByApiKey, userBySessionToken } from '../users/user-queries.js';
import type { ApiEnv, AuthContext } from './api-env.js';

export const SESSION_COOKIE = 'immich_access_token';

/** Who is asking: an API key (x-api-key), a bearer session token, or the session cookie — as Immich accepts them. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const auth = await resolveAuth(c.var.ports, {
    apiKey: c.req.header('x-api-key'),
    authorization: c.req.header('authorization'),
    cookie: getCookie(c, SESSION_COOKIE),
  });
  if (!auth) throw new Unauthorized('Authentication required: send an API key (x-api-key) or log in');
  c.set('auth', auth);
  await next();
};

export const requireAdmin: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!c.var.auth.user.isAdmin) throw new Forbidden('Only an admin can do this');
  await next();
};

/**
 * Who a credential belongs to, remembered for a few seconds: every request authenticates,
 * and on the embedded database a lookup costs as much as the work itself. Revoking a key
 * or logging out clears it here at once; another process (another Lambda) may honour a
 * revoked credential for at most AUTH_CACHE_MS.
 */
const AUTH_CACHE_MS = 10_000;
const AUTH_CACHE_MAX = 1000;
const authCache = new Map<string, { auth: AuthContext; until: number }>();

/** Forgets every cached credential of a user (their key was revoked, they logged out). */
export function forgetUserCredentials(userId: string): void {
  for (const [key, entry] of authCache) if (entry.auth.user.id === userId) authCache.delete(key);
}

async function cached(key: string, now: number, lookup: () => Promise<AuthContext | undefined>): Promise<AuthContext | undefined> {
  const hit = authCache.get(key);
  if (hit && hit.until > now) return hit.auth;
  const auth = await lookup();
  if (auth) {
    if (authCache.size >= AUTH_CACHE_MAX) authCache.delete(authCache.keys().next().value!);
    authCache.set(key, { auth, until: now + AUTH_CACHE_MS });
  } else {
    authCache.delete(key);
  }
  return auth;
}

async function resolveAuth(
  ports: ApiEnv['Variables']['ports'],
  credentials: { apiKey?: string; authorization?: string; cookie?: string },
): Promise<AuthContext | undefined> {
  const now = ports.clock.now();
  if (credentials.apiKey) {
    const hash = hashSecret(credentials.apiKey);
    return cached(`key:${hash.toString('base64')}`, now.getTime(), async () => {
      const found = await userByApiKey(ports.db, hash);
      return found ? { user: found.user, apiKey: found.apiKey } : undefined;
    });
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  const token = bearer ?? credentials.cookie;
  if (!token) return undefined;
  const hash = hashSecret(token);
  return cached(`session:${hash.toString('base64')}`, now.getTime(), async () => {
    const found = await userBySessionToken(ports.db, hash, now);
    return found ? { user: found.user, sessionId: found.sessionId } : undefined;
  });
}
