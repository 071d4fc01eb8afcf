import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from './chromium.js';
import { startTestProvider, type TestProvider } from './oidc-test-provider.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.36';
/** The identity provider lives at another address: another site to the browser, as a family's Authentik is. */
const PROVIDER_HOST = '127.0.0.37';
const SECRET = 'a family client secret';
const BUTTON = 'Mit der Familie anmelden';
const missingBrowser = chromiumMissing();

/**
 * Sign-in with OpenID Connect as Immich's clients use it, against a real provider (npm
 * oidc-provider) at another address: first sign-ins that create users from the provider's
 * claims, linking by e-mail and by hand, the phone app's own PKCE and its redirect, the
 * provider signing people out (back-channel), and every way a callback can be wrong.
 */
describe('sign-in with an identity provider (OpenID Connect)', () => {
  let home: Household;
  let api: Household['api'];
  let base: string;
  let provider: TestProvider;
  let browser: Browser | undefined;

  /** The admin's OAuth settings: the whole section, as Immich's settings page sends it. */
  const configure = async (oauth: Json) => {
    const current = await api.call<Json>('GET', '/system-config', { key: home.ada.apiKey });
    const put = await api.call<Json>('PUT', '/system-config', { key: home.ada.apiKey, body: { ...current.body, oauth: { ...current.body.oauth, ...oauth } } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  };
  const enable = (extra: Json = {}) =>
    configure({
      enabled: true,
      issuerUrl: `${provider.issuer}/.well-known/openid-configuration`,
      clientId: 'shoebox',
      clientSecret: SECRET,
      allowInsecureRequests: true,
      autoRegister: true,
      buttonText: BUTTON,
      storageQuotaClaim: 'shoebox_quota',
      roleClaim: 'shoebox_role',
      profileSigningAlgorithm: 'none',
      signingAlgorithm: 'RS256',
      mobileOverrideEnabled: false,
      mobileRedirectUri: '',
      prompt: '',
      ...extra,
    });
  /** A PKCE pair as the phone app makes one. */
  const pkce = () => {
    const codeVerifier = randomBytes(48).toString('base64url');
    return { codeVerifier, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url') };
  };
  /** The provider's answer for `login`, with the state and verifier that go with it (the phone app's way). */
  const answerFor = async (login: string, password: string, redirectUri = `${base}/auth/login`) => {
    const { codeVerifier, codeChallenge } = pkce();
    const state = randomBytes(16).toString('base64url');
    const started = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri, state, codeChallenge } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    return { url: await provider.signIn(started.body.url, login, password), state, codeVerifier };
  };
  const finish = (body: Json, headers: Record<string, string> = {}) => api.call<Json>('POST', '/oauth/callback', { body, headers });

  beforeAll(async () => {
    home = await startHousehold(HOST);
    api = home.api;
    base = `http://${HOST}:${home.runtime.port}`;
    const redirect_uris = [`${base}/auth/login`, `${base}/user-settings`, `${base}/api/oauth/mobile-redirect`];
    provider = await startTestProvider(PROVIDER_HOST, [
      {
        client_id: 'shoebox',
        client_secret: SECRET,
        redirect_uris,
        post_logout_redirect_uris: [`${base}/auth/login`],
        backchannel_logout_uri: `${base}/api/oauth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
      { client_id: 'shoebox-signed-profile', client_secret: SECRET, redirect_uris, userinfo_signed_response_alg: 'RS256' },
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    await home?.runtime.close();
  });

  it('is off until the admin turns it on, and only the admin can', async () => {
    const features = await api.call<Json>('GET', '/server/features');
    expect(features.body).toMatchObject({ oauth: false, oauthAutoLaunch: false, passwordLogin: true });
    const off = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: `${base}/auth/login` } });
    expect(off).toMatchObject({ status: 400, body: { message: 'OAuth is not enabled' } });
    const current = (await api.call<Json>('GET', '/system-config', { key: home.ada.apiKey })).body;
    const turnOn = { ...current, oauth: { ...current.oauth, enabled: true, issuerUrl: provider.issuer } };
    expect((await api.call('PUT', '/system-config', { key: home.bea.apiKey, body: turnOn })).status).toBe(403);
    expect((await api.call('PUT', '/system-config', { body: turnOn })).status).toBe(401);
    for (const wrong of [{ issuerUrl: 'not a url' }, { timeout: 0 }, { tokenEndpointAuthMethod: 'private_key_jwt' }, { enabled: 'yes' }, { mobileOverrideEnabled: true, mobileRedirectUri: 'nope' }]) {
      const refused = await api.call<Json>('PUT', '/system-config', { key: home.ada.apiKey, body: { ...turnOn, oauth: { ...turnOn.oauth, ...wrong } } });
      expect(refused.status, JSON.stringify(wrong)).toBe(400);
      expect(refused.body.message).toBe('Validation failed');
    }
    expect((await api.call<Json>('GET', '/server/features')).body.oauth).toBe(false);
  });

  it('starts a sign-in at the provider with PKCE, a state and the admin’s prompt', async () => {
    await enable({ prompt: 'select_account' });
    const noRedirect = await api.call<Json>('POST', '/oauth/authorize', { body: {} });
    expect(noRedirect.status).toBe(400);
    expect(noRedirect.body.errors[0]).toMatchObject({ path: ['redirectUri'] });
    const started = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: `${base}/auth/login` } });
    expect(started.status).toBe(201);
    const url = new URL(started.body.url);
    expect(url.origin).toBe(provider.issuer);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'shoebox',
      response_type: 'code',
      redirect_uri: `${base}/auth/login`,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
    // The web app's state and verifier wait in HttpOnly cookies.
    const cookies = started.headers.getSetCookie().join('\n');
    expect(cookies).toMatch(new RegExp(`immich_oauth_state=${url.searchParams.get('state')};.*HttpOnly`));
    expect(cookies).toMatch(/immich_oauth_code_verifier=[\w-]{43,};.*HttpOnly/);
    const features = await api.call<Json>('GET', '/server/features');
    expect(features.body.oauth).toBe(true);
    expect((await api.call<Json>('GET', '/server/config')).body.oauthButtonText).toBe(BUTTON);
    await enable();
  });

  it('creates the user at the first sign-in from the provider’s claims, and finds them again by their provider id', async () => {
    const first = await finish(await answerFor('ines', 'contraseña segura'));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ userEmail: 'ines@example.com', name: 'Inés Müller-Łukasz', isAdmin: false, shouldChangePassword: false, accessToken: expect.any(String) });
    const me = await api.call<Json>('GET', '/users/me', { token: first.body.accessToken });
    expect(me.body).toMatchObject({ id: first.body.userId, oauthId: 'ines', quotaSizeInBytes: null, storageLabel: null });
    // No password of their own: the provider is how they sign in.
    expect((await api.call<Json>('GET', '/auth/status', { token: first.body.accessToken })).body.password).toBe(false);
    const again = await finish(await answerFor('ines', 'contraseña segura'));
    expect(again.body.userId).toBe(first.body.userId);
  });

  it('takes role, quota and storage label from the claims the admin names', async () => {
    const opa = await finish(await answerFor('opa', 'opa password'));
    expect(opa.status).toBe(201);
    expect(opa.body).toMatchObject({ name: 'Opa Jürgen', isAdmin: true });
    const me = await api.call<Json>('GET', '/users/me', { token: opa.body.accessToken });
    expect(me.body).toMatchObject({ quotaSizeInBytes: 25 * 2 ** 30, storageLabel: 'opa', isAdmin: true });
  });

  it('links an existing account by its e-mail, whatever its case, and never one linked elsewhere', async () => {
    const ada = await finish(await answerFor('ada', 'ada at the provider'));
    expect(ada.status).toBe(201);
    expect(ada.body).toMatchObject({ userId: home.ada.id, userEmail: 'ada@example.com', isAdmin: true });
    expect((await api.call<Json>('GET', '/users/me', { key: home.ada.apiKey })).body.oauthId).toBe('ada');
    // Her password still works too.
    expect((await api.call('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } })).status).toBe(201);
  });

  it('refuses what the provider cannot vouch for, in Immich’s words', async () => {
    const noEmail = await finish(await answerFor('anonymous', 'no email here'));
    expect(noEmail).toMatchObject({ status: 400, body: { message: 'OAuth profile does not have an email address' } });
    const { url, state, codeVerifier } = await answerFor('ines', 'contraseña segura');
    expect(await finish({ url, codeVerifier })).toMatchObject({ status: 400, body: { message: 'OAuth state is missing' } });
    expect(await finish({ url, state })).toMatchObject({ status: 400, body: { message: 'OAuth code verifier is missing' } });
    expect((await finish({})).body.errors[0]).toMatchObject({ path: ['url'] });
    expect((await finish({ url: '' })).status).toBe(400);
    // Another sign-in's verifier or state: the client's mistake, not the server's.
    const other = pkce();
    expect((await finish({ url, state, codeVerifier: other.codeVerifier })).status).toBe(400);
    const fresh = await answerFor('ines', 'contraseña segura');
    expect((await finish({ ...fresh, state: 'someone else’s state' })).status).toBe(400);
    expect((await finish(fresh)).status).toBe(201);
    // A code is good once.
    expect((await finish(fresh)).status).toBe(400);
    for (const junk of ['not a url', `${base}/auth/login`, `${base}/auth/login?code=${'x'.repeat(5000)}&state=${fresh.state}`]) {
      const refused = await finish({ url: junk, state: fresh.state, codeVerifier: fresh.codeVerifier });
      expect(refused.status, junk.slice(0, 40)).toBe(400);
    }
    const wrongPassword = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: `${base}/auth/login` } });
    await expect(provider.signIn(wrongPassword.body.url, 'ines', 'guess')).rejects.toThrow(/Wrong user name or password/);
    expect((await api.call<Json>('GET', '/server/ping')).body).toEqual({ res: 'pong' });
  });

  it('registers no one new when the admin turned auto-registration off', async () => {
    await enable({ autoRegister: false });
    const refused = await finish(await answerFor('cy', 'cy at the provider'));
    expect(refused).toMatchObject({ status: 400, body: { message: 'OAuth authentication failed' } });
    const users = await api.call<Json[]>('GET', '/admin/users', { key: home.ada.apiKey });
    expect(users.body.some((u) => u.email === 'cy.elsewhere@example.com')).toBe(false);
    await enable();
  });

  it('finishes the web app’s sign-in from the cookies it set, and clears them', async () => {
    const started = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: `${base}/auth/login` } });
    const cookie = started.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const url = await provider.signIn(started.body.url, 'ines', 'contraseña segura');
    const done = await finish({ url }, { cookie });
    expect(done.status).toBe(201);
    const set = done.headers.getSetCookie().join('\n');
    expect(set).toMatch(/immich_oauth_state=;/);
    expect(set).toMatch(/immich_auth_type=oauth;/);
    expect(set).toMatch(/immich_access_token=[\w-]+;.*HttpOnly/);
    // Signing out sends the browser to the provider's sign-out page too.
    const out = await api.call<Json>('POST', '/auth/logout', { headers: { cookie: `immich_access_token=${done.body.accessToken}; immich_auth_type=oauth` } });
    expect(out.body).toEqual({ successful: true, redirectUri: `${provider.issuer}/session/end` });
    const passwordOut = await api.call<Json>('POST', '/auth/logout', { token: (await api.loginWithKey('bea@example.com', 'another good password')).accessToken });
    expect(passwordOut.body.redirectUri).toBe('/auth/login?autoLaunch=0');
  });

  it('works as the Immich phone app does it: its own PKCE, the https redirect the admin set, then app.immich://', async () => {
    await enable({ mobileOverrideEnabled: true, mobileRedirectUri: `${base}/api/oauth/mobile-redirect` });
    const { codeVerifier, codeChallenge } = pkce();
    const state = randomBytes(16).toString('base64url');
    const started = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: 'app.immich:///oauth-callback', state, codeChallenge } });
    expect(new URL(started.body.url).searchParams.get('redirect_uri')).toBe(`${base}/api/oauth/mobile-redirect`);
    expect(new URL(started.body.url).searchParams.get('code_challenge')).toBe(codeChallenge);
    const atServer = await provider.signIn(started.body.url, 'ines', 'contraseña segura');
    expect(atServer.startsWith(`${base}/api/oauth/mobile-redirect?`)).toBe(true);
    const forwarded = await fetch(atServer, { redirect: 'manual' });
    expect(forwarded.status).toBe(307);
    const appUrl = forwarded.headers.get('location')!;
    expect(appUrl).toMatch(/^app\.immich:\/\/\/oauth-callback\?code=[^&]+&state=/);
    const signedIn = await finish({ url: appUrl, state, codeVerifier }, { 'user-agent': 'Immich_Android_1.140.1' });
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(201);
    const sessions = await api.call<Json[]>('GET', '/sessions', { token: signedIn.body.accessToken });
    expect(sessions.body.find((s) => s.current)).toMatchObject({ deviceOS: 'Android', appVersion: '1.140.1' });
    await enable();
  });

  it('links and unlinks an account by hand, and never to a provider account someone else has', async () => {
    const cy = home.cy;
    const cyToken = cy.accessToken;
    const taken = await answerFor('ines', 'contraseña segura', `${base}/user-settings`);
    const refused = await api.call<Json>('POST', '/oauth/link', { token: cyToken, body: taken });
    expect(refused).toMatchObject({ status: 400, body: { message: 'This OAuth account has already been linked to another user.' } });
    expect((await api.call('POST', '/oauth/link', { body: taken })).status).toBe(401);
    const linked = await api.call<Json>('POST', '/oauth/link', { token: cyToken, body: await answerFor('cy', 'cy at the provider', `${base}/user-settings`) });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body).toMatchObject({ id: cy.id, email: 'cy@example.com', oauthId: 'cy' });
    // The provider's 'cy' is now this Cy, though the e-mails differ.
    expect((await finish(await answerFor('cy', 'cy at the provider'))).body.userId).toBe(cy.id);
    const unlinked = await api.call<Json>('POST', '/oauth/unlink', { token: cyToken });
    expect(unlinked.body.oauthId).toBe('');
  });

  it('reads a signed profile, and fails clearly when the tokens are signed otherwise than the admin said', async () => {
    await enable({ clientId: 'shoebox-signed-profile', profileSigningAlgorithm: 'RS256' });
    const signed = await finish(await answerFor('oma', 'Omas Passwort'));
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(signed.body).toMatchObject({ userEmail: 'oma@example.com', name: 'Oma Świętosława' });
    await enable({ signingAlgorithm: 'HS256' });
    const wrongAlgorithm = await finish(await answerFor('oma', 'Omas Passwort'));
    expect(wrongAlgorithm).toMatchObject({ status: 500, body: { message: 'Failed to finish oauth' } });
    await enable({ allowInsecureRequests: false });
    const overHttp = await api.call<Json>('POST', '/oauth/authorize', { body: { redirectUri: `${base}/auth/login` } });
    expect(overHttp.status).toBe(500);
    expect(overHttp.body.message).toMatch(/^Error in OAuth discovery/);
    await enable();
  });

  it('ends the sessions the provider signs out (back-channel logout), and only those', async () => {
    const ines = await finish(await answerFor('ines', 'contraseña segura'));
    expect((await api.call('GET', '/sessions', { token: ines.body.accessToken })).status).toBe(200);
    await provider.signOutEverywhere();
    expect((await api.call('GET', '/sessions', { token: ines.body.accessToken })).status).toBe(401);
    expect((await api.call('GET', '/users/me', { key: home.ada.apiKey })).status).toBe(200);
    // Forged, malformed and empty logout tokens are refused, and end nothing.
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({ events: { 'http://schemas.openid.net/event/backchannel-logout': {} } })
      .setProtectedHeader({ alg: 'RS256', typ: 'logout+jwt' })
      .setIssuer(provider.issuer)
      .setAudience('shoebox')
      .setSubject('ada')
      .setIssuedAt()
      .setJti(randomBytes(8).toString('hex'))
      .sign(other.privateKey);
    for (const token of [forged, 'invalid token', 'a.b.c']) {
      const form = await fetch(`${base}/api/oauth/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });
      expect(form.status).toBe(400);
      expect(await form.json()).toEqual({ message: 'Error backchannel logout: token validation failed' });
    }
    const empty = await api.call<Json>('POST', '/oauth/backchannel-logout', { body: {} });
    expect(empty.body.errors[0]).toMatchObject({ path: ['logout_token'] });
    expect((await api.call('GET', '/users/me', { key: home.ada.apiKey })).status).toBe(200);
  });

  it('can be the only way in: password login turned off', async () => {
    await configure({});
    const current = (await api.call<Json>('GET', '/system-config', { key: home.ada.apiKey })).body;
    await api.call('PUT', '/system-config', { key: home.ada.apiKey, body: { ...current, passwordLogin: { enabled: false } } });
    expect((await api.call<Json>('GET', '/server/features')).body.passwordLogin).toBe(false);
    const refused = await api.call<Json>('POST', '/auth/login', { body: { email: 'ada@example.com', password: 'a long enough password' } });
    expect(refused).toMatchObject({ status: 401, body: { message: 'Password login has been disabled' } });
    await api.call('PUT', '/system-config', { key: home.ada.apiKey, body: { ...current, passwordLogin: { enabled: true } } });
  });

  it.skipIf(missingBrowser)(`signs a new family member in from the login page in Chromium${missingBrowser ? ` — skipped: ${missingBrowser}` : ''}`, async () => {
    await enable({ clientId: 'shoebox' });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/login/`);
    await page.getByRole('button', { name: BUTTON }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByLabel('User name').fill('lukas');
    await page.getByLabel('Password').fill('Enkel Łukasz 2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()));
    expect(me).toMatchObject({ email: 'lukas@example.com', name: 'Łukasz Enkel', oauthId: 'lukas' });
    // The account page offers to unlink, and to link again through the provider.
    await page.goto(`${base}/user-settings/`);
    await page.getByRole('button', { name: 'Unlink' }).click();
    await page.getByText('Your account is no longer linked.').waitFor();
    // Still signed in at the provider: it sends the browser straight back.
    await page.getByRole('button', { name: 'Link' }).click();
    await page.getByText('Your account is now linked.').waitFor();
    expect(await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()))).toMatchObject({ oauthId: 'lukas' });

    // Auto-launch: a signed-out visitor goes straight to the provider; after signing out (autoLaunch=0) the page waits.
    await enable({ clientId: 'shoebox', autoLaunch: true });
    const fresh = await browser.newPage();
    await fresh.goto(`${base}/auth/login/`);
    await fresh.waitForURL(`${provider.issuer}/**`);
    await fresh.goto(`${base}/auth/login/?autoLaunch=0`);
    await fresh.getByRole('button', { name: BUTTON }).waitFor();
    expect(fresh.url()).toBe(`${base}/auth/login/?autoLaunch=0`);
    await enable({ autoLaunch: false });
  });
});
