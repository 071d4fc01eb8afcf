import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../core/auth/password.js';
import { hashSecret, newSecret } from '../../core/auth/tokens.js';
import { BadRequest, Forbidden, TooManyRequests, Unauthorized } from '../../core/errors.js';
import { PERMISSIONS, requireGrantable } from '../../core/access/permissions.js';
import { PasswordThrottle } from '../../core/auth/login-throttle.js';
import type { ApiEnv, AuthContext } from '../../core/http/api-env.js';
import { changePinCode, secretsSet, lockSession, resetPinCode, setUpPinCode, unlockSession } from '../../core/auth/pin-code.js';
import { authenticate, forgetUserCredentials } from '../../core/http/authenticate.js';
import { jsonBody, uuidParam } from '../../core/http/validate.js';
import { clientAddress } from '../../core/http/request-origin.js';
import { oauthLogoutUrl } from '../../core/auth/oauth.js';
import { readSystemConfig } from '../../core/system-config/system-config.js';
import { AUTH_TYPE_COOKIE, clearSignInCookies, signIn } from './sign-in.js';
import { transaction } from '../../core/ports/database.js';
import { countUsers, deleteApiKey, findUserForLogin, getApiKey, insertApiKey, insertUser, listApiKeys, rotateApiKey, updateApiKey } from '../../core/users/user-queries.js';
import { deleteOtherSessions, deleteSession, sessionExpiry } from '../../core/auth/sessions.js';
import { apiKeyCreated, apiKeyDto, userAdminDto } from './dto.js';

/** Where a browser goes after signing out (Immich's; autoLaunch=0 keeps an OAuth login page from starting again). */
const LOGIN_URL = '/auth/login?autoLaunch=0';
const loginThrottle = new PasswordThrottle();
const SIGN_UP_LOCK = 0x5b0e_0001;

export const SignUp = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(200),
});
export const Login = z.object({ email: z.string().max(254), password: z.string().max(1024) });
export const ChangePassword = z.object({ password: z.string().max(1024), newPassword: z.string().min(8).max(1024), invalidateSessions: z.boolean().default(false) });
const Permissions = z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length);
export const ApiKeyCreate = z.object({ name: z.string().trim().max(200).optional(), permissions: Permissions.default(['all']) });
export const ApiKeyUpdate = z.object({ name: z.string().trim().max(200).optional(), permissions: Permissions.optional() });
const PinCode = z.string().regex(/^\d{6}$/, 'A PIN code is six digits');
export const PinCodeSetup = z.object({ pinCode: PinCode });
/** Immich's PinCodeResetDto and SessionUnlockDto: the PIN, or the account password instead. */
export const PinCodeReset = z.object({ pinCode: PinCode.optional(), password: z.string().max(1024).optional() });
export const PinCodeChange = PinCodeReset.extend({ newPinCode: PinCode });

/** The session a request came with; the locked folder unlocks a session, never an API key. */
function sessionOf(auth: AuthContext): string {
  if (!auth.sessionId) throw new BadRequest('This endpoint can only be used with a session token');
  return auth.sessionId;
}

/**
 * After an OAuth sign-in, the provider's sign-out page (the browser signs out there too); the
 * settings are read only for such a session. Undefined when there is none or it cannot be found.
 */
async function providerLogoutUrl(c: Context<ApiEnv>): Promise<string | undefined> {
  // Read before the sign-in cookies are cleared, which only marks them for the response.
  if (getCookie(c, AUTH_TYPE_COOKIE) !== 'oauth') return undefined;
  const { oauth } = await readSystemConfig(c.var.ports.db, c.var.ports.config);
  return oauth.enabled ? oauthLogoutUrl(oauth).catch(() => undefined) : undefined;
}

export const authRoutes = new Hono<ApiEnv>()
  /** The first account; it becomes admin. Refused once anyone exists. */
  .post('/auth/admin-sign-up', async (c) => {
    const body = await jsonBody(c, SignUp);
    const { db } = c.var.ports;
    const passwordHash = await hashPassword(body.password);
    const user = await transaction(db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SIGN_UP_LOCK]);
      if ((await countUsers(tx)) > 0) throw new BadRequest('The server already has an admin');
      return insertUser(tx, { ...body, passwordHash, isAdmin: true, shouldChangePassword: false, quotaSizeBytes: null });
    });
    return c.json(userAdminDto(user!), 201);
  })
  .post('/auth/login', async (c) => {
    const body = await jsonBody(c, Login);
    const { db, clock } = c.var.ports;
    if (!(await readSystemConfig(db, c.var.ports.config)).passwordLogin.enabled) throw new Unauthorized('Password login has been disabled');
    const client = clientAddress(c, c.var.ports.config);
    const account = body.email.trim().toLowerCase();
    const wait = loginThrottle.retryAfterMs(client, account, clock.now().getTime());
    if (wait > 0) {
      c.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new TooManyRequests(`Too many wrong passwords from this device; try again in ${Math.ceil(wait / 60_000)} minutes`);
    }
    const user = await findUserForLogin(db, body.email);
    // Verify even for unknown e-mails, so timing does not reveal which accounts exist.
    const ok = await verifyPassword(body.password, user?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AA==');
    if (!user || !ok) {
      loginThrottle.recordFailure(client, account, clock.now().getTime());
      throw new Unauthorized('Incorrect email or password');
    }
    loginThrottle.recordSuccess(client, account);
    return c.json(await signIn(c, user, { authType: 'password' }), 201);
  })
  .post('/auth/logout', authenticate, async (c) => {
    const { sessionId } = c.var.auth;
    const { db } = c.var.ports;
    if (sessionId) await deleteSession(db, sessionId);
    forgetUserCredentials(c.var.auth.user.id);
    clearSignInCookies(c);
    return c.json({ successful: true, redirectUri: (await providerLogoutUrl(c)) ?? LOGIN_URL });
  })
  // What the phone app asks after login and on every start: is this token still good, and how.
  .post('/auth/validateToken', authenticate, (c) => c.json({ authStatus: true }))
  .get('/auth/status', authenticate, async (c) => {
    const { sessionId, elevated, pinExpiresAt, user } = c.var.auth;
    const { db } = c.var.ports;
    const expiresAt = sessionId ? await sessionExpiry(db, sessionId) : undefined;
    return c.json({
      ...(await secretsSet(db, user.id)),
      isElevated: elevated === true,
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      ...(elevated && pinExpiresAt ? { pinExpiresAt: pinExpiresAt.toISOString() } : {}),
    });
  })
  // The locked folder's PIN code and the session's unlock (Immich's /auth/pin-code, /auth/session/*).
  .post('/auth/pin-code', authenticate, async (c) => {
    const body = await jsonBody(c, PinCodeSetup);
    await setUpPinCode(c.var.ports.db, c.var.auth.user.id, body.pinCode);
    return c.body(null, 204);
  })
  .put('/auth/pin-code', authenticate, async (c) => {
    const body = await jsonBody(c, PinCodeChange);
    await changePinCode(c.var.ports.db, c.var.auth.user.id, body, body.newPinCode, c.var.ports.clock.now());
    return c.body(null, 204);
  })
  .delete('/auth/pin-code', authenticate, async (c) => {
    const body = await jsonBody(c, PinCodeReset);
    await resetPinCode(c.var.ports.db, c.var.auth.user.id, body, c.var.ports.clock.now());
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  .post('/auth/session/unlock', authenticate, async (c) => {
    const body = await jsonBody(c, PinCodeReset);
    await unlockSession(c.var.ports.db, c.var.auth.user.id, sessionOf(c.var.auth), body.pinCode, c.var.ports.clock.now());
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  .post('/auth/session/lock', authenticate, async (c) => {
    await lockSession(c.var.ports.db, sessionOf(c.var.auth));
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  })
  /** Immich's path: the current password proves it is the user; other sessions may be ended too. */
  .post('/auth/change-password', authenticate, async (c) => {
    const body = await jsonBody(c, ChangePassword);
    const { db } = c.var.ports;
    const me = await findUserForLogin(db, c.var.auth.user.email);
    if (!me || !(await verifyPassword(body.password, me.passwordHash))) throw new BadRequest('Wrong password');
    await db.query('UPDATE users SET password_hash = $2, should_change_password = false, updated_at = now() WHERE id = $1', [me.id, await hashPassword(body.newPassword)]);
    if (body.invalidateSessions) await deleteOtherSessions(db, me.id, c.var.auth.sessionId);
    forgetUserCredentials(me.id);
    return c.json(userAdminDto({ ...me, shouldChangePassword: false }));
  })
  .post('/api-keys', authenticate, async (c) => {
    const body = await jsonBody(c, ApiKeyCreate);
    requireGrantable(c.var.auth.apiKey?.permissions, body.permissions);
    const secret = newSecret();
    const key = await insertApiKey(c.var.ports.db, c.var.auth.user.id, body.name || 'API Key', hashSecret(secret), body.permissions);
    return c.json(apiKeyCreated(key, secret), 201);
  })
  .get('/api-keys', authenticate, async (c) => {
    const keys = await listApiKeys(c.var.ports.db, c.var.auth.user.id);
    return c.json(keys.map(apiKeyDto));
  })
  .get('/api-keys/me', authenticate, async (c) => {
    const { apiKey } = c.var.auth;
    if (!apiKey) throw new Forbidden('Not authenticated with an API Key');
    return c.json(apiKeyDto(apiKey));
  })
  .get('/api-keys/:id', authenticate, async (c) => {
    const key = await getApiKey(c.var.ports.db, c.var.auth.user.id, uuidParam(c));
    if (!key) throw new BadRequest('API Key not found');
    return c.json(apiKeyDto(key));
  })
  .put('/api-keys/:id', authenticate, async (c) => updateKey(c, await jsonBody(c, ApiKeyUpdate)))
  // Immich 3's own web app sends PATCH; the spec names PUT.
  .patch('/api-keys/:id', authenticate, async (c) => updateKey(c, await jsonBody(c, ApiKeyUpdate)))
  .post('/api-keys/:id/rotate', authenticate, async (c) => {
    const secret = newSecret();
    const key = await rotateApiKey(c.var.ports.db, c.var.auth.user.id, uuidParam(c), hashSecret(secret));
    if (!key) throw new BadRequest('API Key not found');
    forgetUserCredentials(c.var.auth.user.id);
    return c.json(apiKeyCreated(key, secret));
  })
  .delete('/api-keys/:id', authenticate, async (c) => {
    const deleted = await deleteApiKey(c.var.ports.db, c.var.auth.user.id, uuidParam(c));
    if (!deleted) throw new BadRequest('API Key not found');
    forgetUserCredentials(c.var.auth.user.id);
    return c.body(null, 204);
  });

async function updateKey(c: Context<ApiEnv>, change: z.infer<typeof ApiKeyUpdate>) {
  const id = uuidParam(c);
  const { db } = c.var.ports;
  const { user, apiKey } = c.var.auth;
  if (!(await getApiKey(db, user.id, id))) throw new BadRequest('API Key not found');
  if (change.permissions) requireGrantable(apiKey?.permissions, change.permissions);
  const key = await updateApiKey(db, user.id, id, change);
  forgetUserCredentials(user.id);
  return c.json(apiKeyDto(key!));
}
