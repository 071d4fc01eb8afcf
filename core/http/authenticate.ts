import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { matchedRoutes } from 'hono/route';
import { requireRoutePermission, routeKey } from '../access/permissions.js';
import { Forbidden, Unauthorized } from '../errors.js';
import { sessionUnlockedUntil } from '../auth/pin-code.js';
import { hashSecret } from '../auth/tokens.js';
import { touchSession } from '../auth/sessions.js';
import { deviceDetails } from '../auth/user-agent.js';
import { sharedLinkByKey, sharedLinkBySlug, type SharedLink } from '../sharing/shared-link.js';
import { getUser, userByApiKey, userBySessionToken } from '../users/user-queries.js';
import type { ApiEnv, AuthContext } from './api-env.js';

export const SESSION_COOKIE = 'immich_access_token';

/** Who is asking: an API key (x-api-key), a bearer session token, or the session cookie — as Immich accepts them. */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const credentials = credentialsOf((name) => c.req.header(name), getCookie(c, SESSION_COOKIE), c.req.query('apiKey'));
  const auth = await resolveAuth(c.var.ports, credentials);
  if (!auth) {
    // A shared link's key alone, on a route links may not use: Immich's 403, not a sign-in prompt.
    const onlyALink = refusal(credentials) === 'Authentication required' && (c.req.query('key') ?? c.req.query('slug')) !== undefined;
    if (onlyALink) throw new Forbidden('A shared link cannot be used here');
    throw new Unauthorized(refusal(credentials));
  }
  const route = answeringRoute(c);
  if (route) requireRoutePermission(auth.apiKey?.permissions, route);
  c.set('auth', auth);
  await next();
};

/**
 * The API route that will answer this request, as `METHOD /path/{param}` (the key of
 * ROUTE_PERMISSIONS), or undefined when none will (a 404). Hono answers with the first
 * matching handler registered for the method; middleware is registered as ALL.
 */
export function answeringRoute(c: Context): string | undefined {
  const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
  const route = matchedRoutes(c).find((r) => r.method === method && r.path.startsWith('/api/') && !r.path.endsWith('*'));
  return route && routeKey(method, route.path);
}

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

/** Who a connection's headers name (socket.io's handshake, outside Hono): the same rules as `authenticate`. */
export function authenticateHeaders(ports: ApiEnv['Variables']['ports'], headers: Record<string, string | string[] | undefined>): Promise<AuthContext | undefined> {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const cookie = /(?:^|;\s*)immich_access_token=([^;]+)/.exec(one('cookie') ?? '')?.[1];
  return resolveAuth(ports, credentialsOf(one, cookie ? decodeURIComponent(cookie) : undefined));
}

type Credentials = {
  apiKey?: string;
  sessionHeader?: string;
  authorization?: string;
  cookie?: string;
  /** The request's headers, for what a session remembers of the device using it. */
  header: (name: string) => string | undefined;
};

/** The credentials a request carries, where Immich reads them from (an API key may also come as `?apiKey=`). */
function credentialsOf(header: (name: string) => string | undefined, cookie: string | undefined, apiKeyParam?: string): Credentials {
  return {
    apiKey: header('x-api-key') ?? apiKeyParam,
    header,
    // Immich's other spellings of the session token: older phone-app code paths send these.
    sessionHeader: header('x-immich-user-token') ?? header('x-immich-session-token'),
    authorization: header('authorization'),
    cookie,
  };
}

/** Immich's words for a request it cannot place: no credential, or one that is not (or no longer) valid. */
function refusal(credentials: Credentials): string {
  if (credentials.apiKey) return 'Invalid API key';
  if (credentials.sessionHeader || credentials.authorization || credentials.cookie) return 'Invalid user token';
  return 'Authentication required';
}

/** Forgets every cached credential (the database was restored from a backup). */
export function forgetAllCredentials(): void {
  authCache.clear();
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
  credentials: Credentials,
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
  const token = credentials.sessionHeader || bearer || credentials.cookie;
  if (!token) return undefined;
  const hash = hashSecret(token);
  const auth = await cached(`session:${hash.toString('base64')}`, now.getTime(), async () => {
    const found = await userBySessionToken(ports.db, hash, now);
    if (!found) return undefined;
    await touchSession(ports.db, found.session, deviceDetails(credentials.header), now);
    return { user: found.user, sessionId: found.session.id, pinExpiresAt: found.pinExpiresAt };
  });
  if (!auth?.sessionId || !auth.pinExpiresAt) return auth && { ...auth, elevated: false };
  // An unlocked session is checked against the database on every request, so a lock (here or
  // in another process) is never outlived by the cache; a locked one costs nothing extra.
  const until = await sessionUnlockedUntil(ports.db, auth.sessionId, now);
  auth.pinExpiresAt = until ?? null;
  return { ...auth, elevated: until !== undefined };
}

export const SHARED_LINK_COOKIE = 'immich_shared_link_token';

/** What proves a shared link's password was given: changes when the password does, never reveals it. */
export function sharedLinkToken(link: SharedLink): string {
  return hashSecret(`${link.id}:${link.passwordHash ?? ''}`).toString('base64url');
}

/**
 * For the few routes a shared link may use: `?key=` or `?slug=` (plus the password token, when the link
 * has a password) stands for the link; without a key, the usual credentials.
 */
export const authenticateOrSharedLink: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const key = c.req.query('key');
  const slug = c.req.query('slug');
  if (key === undefined && slug === undefined) return authenticate(c, next);
  const { db, clock } = c.var.ports;
  const link =
    key !== undefined ? (key.length <= 128 ? await sharedLinkByKey(db, key) : undefined) : slug!.length <= 100 ? await sharedLinkBySlug(db, slug!) : undefined;
  if (!link || (link.expiresAt && link.expiresAt <= clock.now())) throw new Unauthorized('Invalid share key');
  if (link.passwordHash) {
    const token = c.req.query('token') ?? getCookie(c, SHARED_LINK_COOKIE);
    if (token !== sharedLinkToken(link)) throw new Unauthorized('Password required');
  }
  const owner = await getUser(db, link.ownerId);
  if (!owner || owner.deletedAt) throw new Unauthorized('Invalid share key');
  c.set('auth', { user: owner, sharedLink: link });
  await next();
};
