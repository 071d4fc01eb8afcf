import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID Connect provider for the tests (npm oidc-provider, the library many identity
 * servers are built on), with its own sign-in page that checks passwords and a family's
 * accounts. Consent is given on the user's behalf (a first-party app, as a family's own
 * Authentik or Authelia is set up). Back-channel logout posts to Shoebox when someone signs out
 * here.
 */
export interface TestAccount {
  password: string;
  claims: Record<string, unknown>;
}

export interface TestProvider {
  issuer: string;
  close(): Promise<void>;
  /** Signs a person in (as a browser would) for an authorization URL; returns where the provider sends them back. */
  signIn(authorizationUrl: string, login: string, password: string): Promise<string>;
  /** Signs the person of the last `signIn` out at the provider, which tells every client (back-channel). */
  signOutEverywhere(): Promise<void>;
}

export const TEST_ACCOUNTS: Record<string, TestAccount> = {
  ines: { password: 'contraseña segura', claims: { email: 'ines@example.com', email_verified: true, given_name: 'Inés', family_name: 'Müller-Łukasz' } },
  opa: { password: 'opa password', claims: { email: 'opa@example.com', name: 'Opa Jürgen', preferred_username: 'opa', shoebox_quota: 25, shoebox_role: 'admin' } },
  ada: { password: 'ada at the provider', claims: { email: 'ADA@example.com', name: 'Ada at the provider' } },
  anonymous: { password: 'no email here', claims: { name: 'No Email' } },
  cy: { password: 'cy at the provider', claims: { email: 'cy.elsewhere@example.com', name: 'Cy' } },
  lukas: { password: 'Enkel Łukasz 2026', claims: { email: 'lukas@example.com', given_name: 'Łukasz', family_name: 'Enkel' } },
  oma: { password: 'Omas Passwort', claims: { email: 'oma@example.com', name: 'Oma Świętosława' } },
};

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>Family sign-in</title>${body}`;
const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestProvider(host: string, clients: Configuration['clients']): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients,
    findAccount: (_ctx, sub) => (TEST_ACCOUNTS[sub] ? { accountId: sub, claims: () => ({ sub, ...TEST_ACCOUNTS[sub]!.claims }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'preferred_username', 'shoebox_quota', 'shoebox_role'] },
    scopes: ['openid', 'email', 'profile'],
    features: { devInteractions: { enabled: false }, backchannelLogout: { enabled: true }, jwtUserinfo: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Claims come from the userinfo endpoint unless a client asks otherwise: Shoebox must fetch them.
    conformIdTokenClaims: true,
    cookies: { keys: ['a test provider key that is long enough'] },
    // The provider guards its outgoing requests against private addresses; a family's server is at one.
    fetch: (url, init) => {
      const { dispatcher: _ssrfGuard, ...options } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      return fetch(url, options);
    },
  });
  provider.on('backchannel.error', (_ctx, error) => console.error('the test provider could not sign a client out:', error));
  const oidc = provider.callback();

  server.on('request', async (req, res) => {
    const match = /^\/interaction\/([\w-]+)$/.exec(req.url ?? '');
    if (!match) return oidc(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        return await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
      }
      if (req.method === 'POST') {
        const form = await formBody(req);
        const login = form.get('login') ?? '';
        if (TEST_ACCOUNTS[login]?.password === form.get('password')) return await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' }).end(page('<p role="alert">Wrong user name or password</p>'));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        page(`<form method="post" action="${escape(req.url!)}"><label>User name <input name="login"></label>
          <label>Password <input name="password" type="password"></label><button type="submit">Sign in</button></form>`),
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  });

  // A browser's cookie jar for the provider's own pages, as `signIn` and `signOutEverywhere` use them.
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name!.trim());
      else jar.set(name!.trim(), value ?? '');
    }
  };
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(url, issuer), { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    remember(response);
    return response;
  };
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

  return {
    issuer,
    async signIn(authorizationUrl, login, password) {
      jar.clear();
      let response = await go(authorizationUrl);
      for (let hops = 0; hops < 10; hops++) {
        const location = response.headers.get('location');
        if (!location) throw new Error(`the provider stopped at ${response.status}: ${await response.text()}`);
        if (!location.startsWith(issuer) && !location.startsWith('/')) return location;
        const target = new URL(location, issuer).href;
        response = await go(target);
        // The sign-in page: the person types their name and password.
        if (/\/interaction\//.test(target) && response.status === 200) response = await go(target, form({ login, password }));
      }
      throw new Error('the provider redirected too often');
    },
    async signOutEverywhere() {
      const confirm = await go('/session/end');
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(await confirm.text())?.[1];
      if (!xsrf) throw new Error('the provider showed no sign-out form');
      const done = await go('/session/end/confirm', form({ xsrf, logout: 'yes' }));
      if (done.status >= 400) throw new Error(`sign-out at the provider: ${done.status}`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
