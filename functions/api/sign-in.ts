import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { insertSession } from '../../core/auth/sessions.js';
import { hashSecret, newSecret } from '../../core/auth/tokens.js';
import { deviceDetails } from '../../core/auth/user-agent.js';
import type { ApiEnv } from '../../core/http/api-env.js';
import { SESSION_COOKIE } from '../../core/http/authenticate.js';
import { requestIsHttps } from '../../core/http/request-origin.js';
import type { User } from '../../core/users/user-queries.js';

/** How long the browser keeps the session cookie (Immich's 400 days); the session itself ends after idle days. */
const COOKIE_DAYS = 400;
/** Immich's cookie naming how the browser signed in: logout sends an OAuth user to the provider too. */
export const AUTH_TYPE_COOKIE = 'immich_auth_type';
const IS_AUTHENTICATED_COOKIE = 'immich_is_authenticated';

/**
 * A new session for a user who proved who they are (password or identity provider): its token,
 * Immich's three cookies, and Immich's LoginResponseDto.
 */
export async function signIn(c: Context<ApiEnv>, user: User, how: { authType: 'password' | 'oauth'; oauthSid?: string }) {
  const token = newSecret();
  const expires = new Date(c.var.ports.clock.now().getTime() + COOKIE_DAYS * 86_400_000);
  await insertSession(c.var.ports.db, { userId: user.id, tokenHash: hashSecret(token), device: deviceDetails((name) => c.req.header(name)), oauthSid: how.oauthSid });
  // Behind a TLS-terminating proxy the request reached us over HTTP: what counts is what the client used.
  const secure = requestIsHttps(c, c.var.ports.config);
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires });
  setCookie(c, AUTH_TYPE_COOKIE, how.authType, { httpOnly: true, sameSite: 'Lax', secure, path: '/', expires });
  setCookie(c, IS_AUTHENTICATED_COOKIE, 'true', { sameSite: 'Lax', secure, path: '/', expires });
  return {
    accessToken: token,
    userId: user.id,
    userEmail: user.email,
    name: user.name,
    isAdmin: user.isAdmin,
    profileImagePath: '',
    shouldChangePassword: user.shouldChangePassword,
    isOnboarded: true,
  };
}

export function clearSignInCookies(c: Context<ApiEnv>): void {
  for (const name of [SESSION_COOKIE, AUTH_TYPE_COOKIE, IS_AUTHENTICATED_COOKIE]) deleteCookie(c, name, { path: '/' });
}
