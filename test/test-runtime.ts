import { createHash } from 'node:crypto';
import { init } from '@immich/sdk';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../core/config.js';
import { createLogger } from '../core/runtime/logger.js';
import { startLocalRuntime, type LocalRuntime } from '../local/runtime.js';

export interface TestRuntime extends LocalRuntime {
  dataDir: string;
  /** Stops the runtime and removes its data folder. */
  close(): Promise<void>;
}

/** The real local runtime on a free port with a fresh data folder. */
export async function startTestRuntime(
  env: Record<string, string> = {},
  dataDir?: string,
  clients: Parameters<typeof startLocalRuntime>[2] = {},
): Promise<TestRuntime> {
  const dir = dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'shoebox-test-')));
  const config = readConfig({
    SHOEBOX_PORT: '0',
    SHOEBOX_HOST: '127.0.0.1',
    SHOEBOX_DATA: dir,
    SHOEBOX_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'SILENT',
    SHOEBOX_RETRY_BASE_SECONDS: '1',
    ...env,
  });
  const runtime = await startLocalRuntime(config, createLogger(config.logLevel), clients);
  return {
    ...runtime,
    dataDir: dir,
    async close() {
      await runtime.stop();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  apiKey: string;
  accessToken: string;
}

/** A small HTTP client bound to one runtime, for tests that drive it like a client would. */
export function apiClient(baseUrl: string) {
  async function call<T = unknown>(method: string, path: string, opts: { body?: unknown; key?: string; token?: string; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.key) headers['x-api-key'] = opts.key;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const response = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, body: json as T, headers: response.headers };
  }

  async function loginWithKey(email: string, password: string): Promise<TestUser> {
    const login = await call<{ accessToken: string; userId: string }>('POST', '/auth/login', { body: { email, password } });
    if (login.status !== 201) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    const key = await call<{ secret: string }>('POST', '/api-keys', { token: login.body.accessToken, body: { name: 'test' } });
    return { id: login.body.userId, email, apiKey: key.body.secret, accessToken: login.body.accessToken };
  }

  /** Uploads bytes through the presigned path and waits until the pipeline is done with them. */
  async function upload(user: TestUser, bytes: Buffer, fileName: string, extra: Record<string, unknown> = {}): Promise<string> {
    const checksum = createHash('sha1').update(bytes).digest('hex');
    const ticket = await call<{ id: string; status: string; upload?: { url: string } }>('POST', '/uploads', {
      key: user.apiKey,
      body: { fileName, size: bytes.length, checksum, ...extra },
    });
    if (ticket.status !== 201 && ticket.status !== 200) throw new Error(`upload failed: ${ticket.status} ${JSON.stringify(ticket.body)}`);
    if (ticket.body.upload) {
      const put = await fetch(ticket.body.upload.url, { method: 'PUT', body: new Uint8Array(bytes) });
      if (put.status !== 200) throw new Error(`PUT failed: ${put.status}`);
    }
    await waitFor(async () => {
      const { body } = await call<{ status: string }>('GET', `/assets/${ticket.body.id}`, { key: user.apiKey });
      return body.status === 'ready' || body.status === 'failed' ? true : undefined;
    }, `asset ${fileName} to finish processing`);
    return ticket.body.id;
  }

  /** A media route's bytes as a client gets them (answered in place, or through the redirect where there is one). */
  async function media(path: string, key: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${baseUrl}/api${path}`, { headers: { 'x-api-key': key, ...headers } });
    return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  /** The phone app's sync stream for a session token: its JSON lines, parsed. */
  async function syncLines(token: string, types: string[]): Promise<{ type: string; data: Record<string, any>; ack: string }[]> {
    const { status, body } = await call<string>('POST', '/sync/stream', { token, body: { types } });
    if (status !== 200) throw new Error(`sync stream: ${status} ${JSON.stringify(body)}`);
    // One line is valid JSON on its own, which call() has parsed already.
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return text.trimEnd().split('\n').map((line) => JSON.parse(line));
  }

  /** What the app does after a stream: send back the last ack of each type. Returns the answer's status. */
  async function ackLast(token: string, lines: { ack: string }[]): Promise<number> {
    const last = new Map<string, string>();
    for (const l of lines) last.set(l.ack.split('|')[0]!, l.ack);
    return (await call('POST', '/sync/ack', { token, body: { acks: [...last.values()] } })).status;
  }

  /**
   * An album's assets as `user` sees them, newest first: through the timeline, as Immich's web
   * app reads them (an album answer holds no assets since Immich 3).
   */
  async function albumAssetIds(user: TestUser, albumId: string): Promise<string[]> {
    const buckets = await call<Array<{ timeBucket: string }>>('GET', `/timeline/buckets?albumId=${albumId}`, { key: user.apiKey });
    if (buckets.status !== 200) throw new Error(`album ${albumId}: ${buckets.status} ${JSON.stringify(buckets.body)}`);
    const months = await Promise.all(
      buckets.body.map((b) => call<{ id: string[] }>('GET', `/timeline/bucket?albumId=${albumId}&timeBucket=${encodeURIComponent(b.timeBucket)}`, { key: user.apiKey })),
    );
    return months.flatMap((m) => m.body.id);
  }

  return {
    call,
    media,
    albumAssetIds,
    syncLines,
    ackLast,
    upload,
    loginWithKey,
    async signUpAdmin(email = 'admin@example.com', password = 'correct horse battery staple'): Promise<TestUser> {
      const signUp = await call('POST', '/auth/admin-sign-up', { body: { email, password, name: 'Admin' } });
      if (signUp.status !== 201) throw new Error(`sign-up failed: ${signUp.status} ${JSON.stringify(signUp.body)}`);
      return loginWithKey(email, password);
    },
    async createUser(admin: TestUser, email: string, password = 'another good password', extra: Record<string, unknown> = {}): Promise<TestUser> {
      const created = await call('POST', '/admin/users', { key: admin.apiKey, body: { email, password, name: email, ...extra } });
      if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${JSON.stringify(created.body)}`);
      return loginWithKey(email, password);
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the deadline. */
export async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every file under a folder (absolute paths); none when it does not exist. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** A household for tests that drive the server as Immich's SDK does: Ada (admin), Bea and Cy. */
export interface Household {
  runtime: TestRuntime;
  api: ReturnType<typeof apiClient>;
  ada: TestUser;
  bea: TestUser;
  cy: TestUser;
}

/**
 * A runtime at `host` (not localhost: another origin to every client) with Ada, Bea and Cy; the
 * partner shares asked for (`[from, to]`); @immich/sdk pointed at it with Ada's key as the
 * default (a call names another user with `as(user)`).
 */
export async function startHousehold(host: string, partners: Array<['ada' | 'bea' | 'cy', 'ada' | 'bea' | 'cy']> = []): Promise<Household> {
  const runtime = await startTestRuntime({ SHOEBOX_HOST: host });
  const api = apiClient(`http://${host}:${runtime.port}`);
  const ada = await api.signUpAdmin('ada@example.com', 'a long enough password');
  const people = { ada, bea: await api.createUser(ada, 'bea@example.com'), cy: await api.createUser(ada, 'cy@example.com') };
  for (const [from, to] of partners) {
    const shared = await api.call('POST', '/partners', { key: people[from].apiKey, body: { sharedWithId: people[to].id } });
    if (shared.status !== 201) throw new Error(`partner ${from} → ${to}: ${shared.status}`);
  }
  init({ baseUrl: `http://${host}:${runtime.port}/api`, apiKey: ada.apiKey });
  return { runtime, api, ...people };
}

/** Request options for @immich/sdk calls as this user. */
export const as = (user: TestUser) => ({ headers: { 'x-api-key': user.apiKey } });

/** A licence in the form Immich's clients send (`IMSV` for the server, `IMCL` for a user); only the form is checked. */
export const immichLicence = (prefix: 'IMSV' | 'IMCL') => ({
  licenseKey: `${prefix}-${Array.from({ length: 8 }, (_, i) => `A${i}B${i}`).join('-')}`,
  activationKey: Buffer.alloc(256, 7).toString('base64url'),
});
