import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { finishOAuth, MOBILE_REDIRECT, newUserFromProfile, startOAuth, verifyLogoutToken, type OAuthSettings } from '../../core/auth/oauth.js';
import { deleteOAuthSessions, setSessionOAuthSid } from '../../core/auth/sessions.js';
import { BadRequest } from '../../core/errors.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, forgetAllCredentials, forgetUserCredentials, requireAdmin } from '../../core/http/authenticate.js';
import { requestIsHttps } from '../../core/http/request-origin.js';
import { formOrJsonBody, jsonBody } from '../../core/http/validate.js';
import { readSystemConfig } from '../../core/system-config/system-config.js';
import { findUserByOAuthId, findUserForLogin, insertUser, setUserOAuthId, unlinkAllOAuthAccounts, type User } from '../../core/users/user-queries.js';
import { userAdminDto } from './dto.js';
import { signIn } from './sign-in.js';

/** Immich's OAuthConfigDto: where the provider sends the browser back; the phone app brings its own state and PKCE challenge. */
export const OAuthConfig = z.object({ redirectUri: z.string().max(2000), state: z.string().max(500).optional(), codeChallenge: z.string().max(500).optional() });
/** Immich's OAuthCallbackDto: the URL the provider sent the browser back to. */
export const OAuthCallback = z.object({ url: z.string().min(1).max(8000), state: z.string().max(500).optional(), codeVerifier: z.string().max(500).optional() });
export const OAuthBackchannelLogout = z.object({ logout_token: z.string().max(16_000) });

// The web app's state and PKCE verifier wait in cookies between the two halves of a sign-in.
const STATE_COOKIE = 'immich_oauth_state';
const VERIFIER_COOKIE = 'immich_oauth_code_verifier';

async function enabledSettings(c: Context<ApiEnv>): Promise<OAuthSettings> {
  const { oauth } = await readSystemConfig(c.var.ports.db, c.var.ports.config);
  if (!oauth.enabled) throw new BadRequest('OAuth is not enabled');
  return oauth;
}

/** The provider's answer, with the state and verifier from the body (phone app) or the cookies (web app). */
async function providerProfile(c: Context<ApiEnv>, body: z.infer<typeof OAuthCallback>, settings: OAuthSettings) {
  const state = body.state ?? getCookie(c, STATE_COOKIE);
  if (!state) throw new BadRequest('OAuth state is missing');
  const verifier = body.codeVerifier ?? getCookie(c, VERIFIER_COOKIE);
  if (!verifier) throw new BadRequest('OAuth code verifier is missing');
  return finishOAuth(settings, body.url, state, verifier);
}

/**
 * Who a provider's profile is here: the user linked to its `sub`, else the user with its e-mail
 * (linked now, unless already linked to another account there), else — when the admin allows
 * it — a new user made from its claims.
 */
async function userForProfile(c: Context<ApiEnv>, settings: OAuthSettings, profile: Awaited<ReturnType<typeof finishOAuth>>['profile']): Promise<User> {
  const { db } = c.var.ports;
  const linked = await findUserByOAuthId(db, profile.sub);
  if (linked) return linked;
  const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase() : '';
  const byEmail = email ? await findUserForLogin(db, email) : undefined;
  if (byEmail) {
    if (byEmail.oauthId) throw new BadRequest('OAuth authentication failed');
    const linkedNow = await setUserOAuthId(db, byEmail.id, profile.sub);
    forgetUserCredentials(byEmail.id);
    return linkedNow;
  }
  if (!settings.autoRegister) throw new BadRequest('OAuth authentication failed');
  if (!email || !z.email().safeParse(email).success) throw new BadRequest('OAuth profile does not have an email address');
  const created = await insertUser(db, { ...newUserFromProfile(settings, profile, email), passwordHash: null, shouldChangePassword: false, oauthId: profile.sub });
  // Two first sign-ins at once: the other one made the user.
  return created ?? (await findUserByOAuthId(db, profile.sub))!;
}

export const oauthRoutes = new Hono<ApiEnv>()
  // The provider sends the phone app's browser here when it only allows https redirects.
  .get('/oauth/mobile-redirect', (c) => c.redirect(`${MOBILE_REDIRECT}?${new URL(c.req.url).search.slice(1)}`, 307))
  .post('/oauth/authorize', async (c) => {
    const body = await jsonBody(c, OAuthConfig);
    const settings = await enabledSettings(c);
    const { url, state, codeVerifier } = await startOAuth(settings, body.redirectUri, body.state, body.codeChallenge);
    const cookie = { httpOnly: true, sameSite: 'Lax', secure: requestIsHttps(c, c.var.ports.config), path: '/', maxAge: 3600 } as const;
    setCookie(c, STATE_COOKIE, state, cookie);
    if (codeVerifier) setCookie(c, VERIFIER_COOKIE, codeVerifier, cookie);
    return c.json({ url }, 201);
  })
  .post('/oauth/callback', async (c) => {
    const body = await jsonBody(c, OAuthCallback);
    const settings = await enabledSettings(c);
    const { profile, sid } = await providerProfile(c, body, settings);
    const user = await userForProfile(c, settings, profile);
    deleteCookie(c, STATE_COOKIE, { path: '/' });
    deleteCookie(c, VERIFIER_COOKIE, { path: '/' });
    return c.json(await signIn(c, user, { authType: 'oauth', oauthSid: sid }), 201);
  })
  .post('/oauth/link', authenticate, async (c) => {
    const body = await jsonBody(c, OAuthCallback);
    const settings = await enabledSettings(c);
    const { profile, sid } = await providerProfile(c, body, settings);
    const { db } = c.var.ports;
    const { user, sessionId } = c.var.auth;
    const holder = await findUserByOAuthId(db, profile.sub);
    if (holder && holder.id !== user.id) throw new BadRequest('This OAuth account has already been linked to another user.');
    if (sessionId) await setSessionOAuthSid(db, sessionId, sid ?? null);
    const linked = await setUserOAuthId(db, user.id, profile.sub);
    forgetUserCredentials(user.id);
    return c.json(userAdminDto(linked));
  })
  .post('/oauth/unlink', authenticate, async (c) => {
    const { db } = c.var.ports;
    const { user, sessionId } = c.var.auth;
    if (sessionId) await setSessionOAuthSid(db, sessionId, null);
    const unlinked = await setUserOAuthId(db, user.id, '');
    forgetUserCredentials(user.id);
    return c.json(userAdminDto(unlinked));
  })
  // The admin moves to another provider: every account's link to the old one goes.
  .post('/admin/auth/unlink-all', authenticate, requireAdmin, async (c) => {
    await unlinkAllOAuthAccounts(c.var.ports.db);
    forgetAllCredentials();
    return c.body(null, 204);
  })
  // The provider's server tells us someone signed out there (a form post, as the standard has it).
  .post('/oauth/backchannel-logout', async (c) => {
    const body = await formOrJsonBody(c, OAuthBackchannelLogout);
    const { oauth } = await readSystemConfig(c.var.ports.db, c.var.ports.config);
    if (!oauth.enabled) throw new BadRequest('Received backchannel logout request but OAuth is not enabled');
    const who = await verifyLogoutToken(oauth, body.logout_token);
    if (!who.sub && !who.sid) throw new BadRequest('Invalid logout token: it must contain either a sub or a sid claim');
    for (const userId of await deleteOAuthSessions(c.var.ports.db, who)) forgetUserCredentials(userId);
    return c.body(null, 200);
  });
