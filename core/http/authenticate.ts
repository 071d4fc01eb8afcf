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

async function resolveAuth(
  ports: ApiEnv['Variables']['ports'],
  credentials: { apiKey?: string; authorization?: string; cookie?: string },
): Promise<AuthContext | undefined> {
  if (credentials.apiKey) {
    const found = await userByApiKey(ports.db, hashSecret(credentials.apiKey));
    return found ? { user: found.user, apiKey: found.apiKey } : undefined;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  const token = bearer ?? credentials.cookie;
  if (!token) return undefined;
  const found = await userBySessionToken(ports.db, hashSecret(token), ports.clock.now());
  return found ? { user: found.user, sessionId: found.sessionId } : undefined;
}
