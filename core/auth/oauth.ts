import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as openid from 'openid-client';
import { z } from 'zod';
import { BadRequest, ExternalServiceFailure } from '../errors.js';

/**
 * Sign-in with an OpenID Connect provider (Authelia, Authentik, Keycloak, Google…), as Immich
 * does it: the authorization-code flow with PKCE, the profile from the ID token when it carries
 * the e-mail, else from the userinfo endpoint (signed or not), and the provider's back-channel
 * logout. Only the admin's configured issuer is ever contacted.
 */

const url = (what: string) => z.string().max(2000).refine((value) => value === '' || z.url().safeParse(value).success, `${what} must be an empty string or a valid URL`);

/** Immich's SystemConfigOAuthDto: the `oauth` section of the settings. */
export const OAuthSettings = z
  .object({
    enabled: z.boolean(),
    autoLaunch: z.boolean(),
    autoRegister: z.boolean(),
    buttonText: z.string().max(200),
    clientId: z.string().max(1000),
    clientSecret: z.string().max(4000),
    tokenEndpointAuthMethod: z.enum(['client_secret_post', 'client_secret_basic']),
    /** Milliseconds, as Immich stores it. */
    timeout: z.int().min(1).max(600_000),
    allowInsecureRequests: z.boolean(),
    /** GiB; null is unlimited. */
    defaultStorageQuota: z.int().min(0).nullable(),
    issuerUrl: url('Issuer URL'),
    scope: z.string().max(1000),
    prompt: z.string().max(200),
    endSessionEndpoint: url('endSessionEndpoint'),
    signingAlgorithm: z.string().max(50),
    profileSigningAlgorithm: z.string().max(50),
    storageLabelClaim: z.string().max(200),
    storageQuotaClaim: z.string().max(200),
    roleClaim: z.string().max(200),
    mobileOverrideEnabled: z.boolean(),
    mobileRedirectUri: z.string().max(2000),
  })
  .loose()
  .refine((s) => !s.mobileOverrideEnabled || s.mobileRedirectUri === '' || z.url().safeParse(s.mobileRedirectUri).success, {
    message: 'Mobile redirect URI must be an empty string or a valid URL',
    path: ['mobileRedirectUri'],
  });
export type OAuthSettings = z.infer<typeof OAuthSettings>;

/** Where the Immich phone app receives the provider's answer. */
export const MOBILE_REDIRECT = 'app.immich:///oauth-callback';

export interface OAuthProfile {
  sub: string;
  email?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  preferred_username?: string;
  picture?: string;
  [claim: string]: unknown;
}

/** The phone app's own redirect replaced by the admin's (a provider that only allows https URLs). */
export function resolveRedirectUri(settings: OAuthSettings, redirectUri: string): string {
  if (settings.mobileOverrideEnabled && settings.mobileRedirectUri) return redirectUri.replace(/app\.immich:\/+oauth-callback/, settings.mobileRedirectUri);
  return redirectUri;
}

// Discovery is one HTTP round trip to the provider: kept a few minutes per settings version.
const DISCOVERY_TTL_MS = 5 * 60_000;
const clients = new Map<string, { config: openid.Configuration; until: number }>();

async function providerClient(settings: OAuthSettings): Promise<openid.Configuration> {
  const key = JSON.stringify([settings.issuerUrl, settings.clientId, settings.clientSecret, settings.tokenEndpointAuthMethod, settings.signingAlgorithm, settings.profileSigningAlgorithm, settings.timeout, settings.allowInsecureRequests]);
  const cached = clients.get(key);
  if (cached && cached.until > Date.now()) return cached.config;
  let issuer: URL;
  try {
    issuer = new URL(settings.issuerUrl);
  } catch {
    throw new BadRequest('OAuth is enabled but has no valid issuer URL');
  }
  const secret = settings.clientSecret || undefined;
  const clientAuth = !secret ? openid.None() : settings.tokenEndpointAuthMethod === 'client_secret_basic' ? openid.ClientSecretBasic(secret) : openid.ClientSecretPost(secret);
  try {
    const config = await openid.discovery(
      issuer,
      settings.clientId,
      {
        client_secret: secret,
        response_types: ['code'],
        userinfo_signed_response_alg: settings.profileSigningAlgorithm === 'none' ? undefined : settings.profileSigningAlgorithm,
        id_token_signed_response_alg: settings.signingAlgorithm,
      },
      clientAuth,
      { execute: settings.allowInsecureRequests ? [openid.allowInsecureRequests] : [], timeout: Math.ceil(settings.timeout / 1000) },
    );
    if (clients.size > 20) clients.clear();
    clients.set(key, { config, until: Date.now() + DISCOVERY_TTL_MS });
    return config;
  } catch (error) {
    throw new ExternalServiceFailure(`Error in OAuth discovery: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The provider's sign-in page for this request. The phone app brings its own state and PKCE
 * challenge; for the web app both are made here and handed back to be kept in cookies.
 */
export async function startOAuth(settings: OAuthSettings, redirectUri: string, state?: string, codeChallenge?: string) {
  const client = await providerClient(settings);
  const chosenState = state ?? openid.randomState();
  let codeVerifier: string | null = null;
  if (!codeChallenge) {
    codeVerifier = openid.randomPKCECodeVerifier();
    codeChallenge = await openid.calculatePKCECodeChallenge(codeVerifier);
  }
  const params: Record<string, string> = { redirect_uri: resolveRedirectUri(settings, redirectUri), scope: settings.scope, state: chosenState };
  if (settings.prompt) params.prompt = settings.prompt;
  if (client.serverMetadata().supportsPKCE()) {
    params.code_challenge = codeChallenge;
    params.code_challenge_method = 'S256';
  }
  return { url: openid.buildAuthorizationUrl(client, params).toString(), state: chosenState, codeVerifier };
}

/**
 * The provider's answer (the URL it sent the browser back to) exchanged for the user's profile
 * and the provider's session id. A code that is stale, reused, for another state or another
 * PKCE verifier is the client's problem (400); a provider that answers wrongly is ours (500).
 */
export async function finishOAuth(settings: OAuthSettings, callbackUrl: string, expectedState: string, codeVerifier: string): Promise<{ profile: OAuthProfile; sid?: string }> {
  const client = await providerClient(settings);
  let current: URL;
  try {
    current = new URL(resolveRedirectUri(settings, callbackUrl));
  } catch {
    throw new BadRequest('OAuth callback URL is not a URL');
  }
  try {
    const tokens = await openid.authorizationCodeGrant(client, current, {
      expectedState,
      pkceCodeVerifier: client.serverMetadata().supportsPKCE() ? codeVerifier : undefined,
    });
    const claims = tokens.claims();
    const profile = (claims && 'email' in claims ? claims : await openid.fetchUserInfo(client, tokens.access_token, openid.skipSubjectCheck)) as OAuthProfile;
    if (!profile.sub) throw new Error('Unexpected profile response, no `sub`');
    return { profile, sid: typeof claims?.sid === 'string' ? claims.sid : undefined };
  } catch (error) {
    if (error instanceof openid.AuthorizationResponseError || error instanceof openid.ResponseBodyError) {
      throw new BadRequest(`OAuth login failed: ${error.error_description ?? error.error}`);
    }
    // openid-client wraps the check that failed: an answer without a code, or with another state, is the caller's mistake.
    const check = (error as { cause?: { message?: string } }).cause?.message ?? '';
    if (/response parameter/.test(check)) throw new BadRequest(`OAuth login failed: ${check.replaceAll('"', "'")}`);
    throw new ExternalServiceFailure('Failed to finish oauth');
  }
}

/** Where the browser goes to sign out at the provider too: the admin's endpoint, or the provider's own. */
export async function oauthLogoutUrl(settings: OAuthSettings): Promise<string | undefined> {
  if (settings.endSessionEndpoint) return settings.endSessionEndpoint;
  return (await providerClient(settings)).serverMetadata().end_session_endpoint;
}

const keySets = new Map<string, JWTVerifyGetKey>();

/**
 * A back-channel logout token (OpenID Connect Back-Channel Logout 1.0): signed by the provider,
 * for this client, fresh, with the logout event and no nonce. Returns whom it signs out.
 */
export async function verifyLogoutToken(settings: OAuthSettings, token: string): Promise<{ sub?: string; sid?: string }> {
  try {
    const client = await providerClient(settings);
    const algorithm = client.clientMetadata().id_token_signed_response_alg ?? 'RS256';
    let key: Uint8Array | JWTVerifyGetKey;
    if (algorithm.startsWith('HS')) key = new TextEncoder().encode(settings.clientSecret);
    else {
      const jwksUri = client.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the provider publishes no keys (jwks_uri)');
      if (!keySets.has(jwksUri)) keySets.set(jwksUri, createRemoteJWKSet(new URL(jwksUri)));
      key = keySets.get(jwksUri)!;
    }
    const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
      issuer: client.serverMetadata().issuer,
      audience: settings.clientId,
      algorithms: [algorithm],
      maxTokenAge: '2m',
      clockTolerance: '5s',
    });
    const events = payload.events as Record<string, unknown> | undefined;
    if (!events?.['http://schemas.openid.net/event/backchannel-logout']) throw new Error('no back-channel logout event');
    if (payload.nonce !== undefined) throw new Error('a logout token has no nonce');
    return { sub: payload.sub, sid: typeof payload.sid === 'string' ? payload.sid : undefined };
  } catch {
    throw new BadRequest('Error backchannel logout: token validation failed');
  }
}

/** What a first sign-in makes of the profile: name, storage label, quota and role from the admin's claims. */
export function newUserFromProfile(settings: OAuthSettings, profile: OAuthProfile, email: string) {
  const label = profile[settings.storageLabelClaim];
  const quota = profile[settings.storageQuotaClaim];
  const role = profile[settings.roleClaim];
  const quotaGiB = quota !== undefined && quota !== null && quota !== '' && Number(quota) >= 0 ? Number(quota) : settings.defaultStorageQuota;
  const fullName = `${profile.given_name ?? ''} ${profile.family_name ?? ''}`.trim();
  return {
    email,
    name: (profile.name || fullName || profile.preferred_username || email).slice(0, 200),
    storageLabel: typeof label === 'string' && label !== '' ? label.slice(0, 200) : null,
    quotaSizeBytes: quotaGiB === null ? null : Math.round(quotaGiB * 2 ** 30),
    isAdmin: role === 'admin',
  };
}
