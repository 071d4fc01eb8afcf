import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './raw-request.js';
import { apiClient, startTestRuntime, type TestRuntime } from './test-runtime.js';

/** POST JSON from a chosen source address: each 127.x address is another device. */
async function postFrom(source: string, port: number, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await rawRequest(`http://127.0.0.1:${port}${path}`, { method: 'POST', localAddress: source, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: response.body.length ? JSON.parse(response.body.toString()) : undefined };
}
const getFrom = async (source: string, port: number, path: string): Promise<number> => (await rawRequest(`http://127.0.0.1:${port}${path}`, { localAddress: source })).status;

describe('password guessing is throttled per device, and never locks the owner out', () => {
  let runtime: TestRuntime;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await apiClient(runtime.url).signUpAdmin('owner@example.com', password);
  });
  afterAll(() => runtime?.close());

  it('a stranger guessing the owner’s password is stopped; the owner on their own device still logs in', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await postFrom('127.0.0.3', runtime.port, '/api/auth/login', { email: 'owner@example.com', password: `guess ${i}` })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Even the right password is refused from the guessing device until the window passes…
    expect((await postFrom('127.0.0.3', runtime.port, '/api/auth/login', { email: 'owner@example.com', password })).status).toBe(429);
    // …but the owner's own device is not.
    expect((await postFrom('127.0.0.4', runtime.port, '/api/auth/login', { email: 'owner@example.com', password })).status).toBe(201);
  });

  it('one device spraying many accounts is slowed after 30 wrong passwords in all', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await postFrom('127.0.0.5', runtime.port, '/api/auth/login', { email: `user${i}@example.com`, password: 'x' })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect((await postFrom('127.0.0.6', runtime.port, '/api/auth/login', { email: 'user1@example.com', password: 'x' })).status).toBe(401);
  });

  it('shared-link passwords are throttled the same way', async () => {
    const api = apiClient(runtime.url);
    const owner = await api.loginWithKey('owner@example.com', password);
    const album = (await api.call<any>('POST', '/albums', { key: owner.apiKey, body: { albumName: 'Private' } })).body.id;
    const key = (await api.call<any>('POST', '/shared-links', { key: owner.apiKey, body: { type: 'ALBUM', albumId: album, password: 'open sesame' } })).body.key;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push(await getFrom('127.0.0.7', runtime.port, `/api/shared-links/me?key=${key}&password=wrong${i}`));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    expect(await getFrom('127.0.0.8', runtime.port, `/api/shared-links/me?key=${key}&password=open%20sesame`)).toBe(200);
  });
});
