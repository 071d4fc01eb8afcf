import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { apiClient, type TestUser } from './test-runtime.js';

// No request may end the process: every body-taking route of the API (read from its own
// /api/spec.json) gets every malformed, cut-off, oversized and wrong-typed body shape, and
// then the same process must still answer. The server runs as its own process, unsupervised,
// so a crash shows as an exit instead of a restart.
const UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const multipartHead = '--xyz\r\nContent-Disposition: form-data; name="assetData"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n';

interface Shape {
  name: string;
  contentType?: string;
  body: string | Buffer;
}
const SHAPES: Shape[] = [
  { name: 'multipart cut before its closing boundary', contentType: 'multipart/form-data; boundary=xyz', body: `${multipartHead}xxxx` },
  { name: 'multipart cut inside a part the route does not read', contentType: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="other"; filename="o.bin"\r\n\r\nxxxx' },
  { name: 'multipart cut inside a sidecar', contentType: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Disposition: form-data; name="sidecarData"; filename="a.xmp"\r\n\r\n<x:xmpmeta' },
  { name: 'multipart cut inside its part headers', contentType: 'multipart/form-data; boundary=xyz', body: '--xyz\r\nContent-Dispo' },
  { name: 'multipart without a boundary', contentType: 'multipart/form-data', body: `${multipartHead}xx\r\n--xyz--\r\n` },
  { name: 'multipart with a 300 KB file and no end', contentType: 'multipart/form-data; boundary=xyz', body: multipartHead + 'x'.repeat(300_000) },
  { name: 'truncated JSON', contentType: 'application/json', body: '{"ids":["' },
  { name: 'JSON nested 200,000 deep', contentType: 'application/json', body: '['.repeat(200_000) },
  { name: 'JSON as text/plain', contentType: 'text/plain', body: '{"name":"x","ids":[]}' },
  { name: 'JSON as a form', contentType: 'application/x-www-form-urlencoded', body: 'name=x' },
  { name: 'JSON that is not UTF-8', contentType: 'application/json', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'JSON of the wrong types', contentType: 'application/json', body: JSON.stringify({ ids: 5, name: { a: 1 }, size: 'x', assets: 'y', password: [] }) },
  { name: 'JSON with NUL in strings', contentType: 'application/json', body: JSON.stringify({ name: 'a\u0000b', originalFileName: '\u0000', email: 'a\u0000@b.c', query: '\u0000' }) },
  { name: 'a JSON array instead of an object', contentType: 'application/json', body: '[1,2,3]' },
  { name: 'JSON null', contentType: 'application/json', body: 'null' },
  { name: 'a 6 MB JSON string', contentType: 'application/json', body: JSON.stringify({ name: 'x'.repeat(6 * 1024 * 1024) }) },
  { name: 'an empty body that says JSON', contentType: 'application/json', body: '' },
];

describe('hostile request bodies never end the process', () => {
  let dir: string;
  let server: ServerProcess;
  let admin: TestUser;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-hostile-'));
    server = await startServerProcess(dir);
    admin = await apiClient(server.url).signUpAdmin();
    const spec = (await (await fetch(`${server.url}/api/spec.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(spec.paths).flatMap(([route, methods]) =>
      Object.keys(methods)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path: route.replace(/\{\w+\}/g, (name) => (name === '{name}' ? 'metadata' : UUID)) })),
    );
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const alive = async () => {
    expect(server.child.exitCode, 'the server process exited').toBeNull();
    expect((await fetch(`${server.url}/api/server/ping`)).status).toBe(200);
  };

  it('answers every body shape on every body-taking route with a 4xx or a success, never a 5xx', { timeout: 300_000 }, async () => {
    expect(operations.length).toBeGreaterThan(40);
    const fiveHundreds: string[] = [];
    for (const shape of SHAPES) {
      for (const op of operations) {
        // Logging out or removing the admin would end the test's own credentials, not the server.
        if (op.path === '/api/auth/logout') continue;
        const response = await fetch(`${server.url}${op.path}`, {
          method: op.method,
          headers: { 'x-api-key': admin.apiKey, ...(shape.contentType ? { 'content-type': shape.contentType } : {}) },
          body: typeof shape.body === 'string' ? shape.body : new Uint8Array(shape.body),
        }).catch((error: Error) => ({ status: 0, text: async () => error.message }));
        // 503 (a model not downloaded) and 507 (storage full) are answers, not failures.
        if ((response.status >= 500 && response.status !== 503 && response.status !== 507) || response.status === 0) fiveHundreds.push(`${op.method} ${op.path} × ${shape.name}: ${response.status} ${(await response.text()).slice(0, 200)}`);
        else await response.text();
      }
      await alive();
    }
    expect(fiveHundreds).toEqual([]);
  });

  it('answers a request refused before its body is read, and the next one on the same connection', async () => {
    const url = new URL(server.url);
    const body = 'x'.repeat(6 * 1024 * 1024);
    // Refused before the body matters — no credentials; JSON where a form is wanted — then a ping on the same keep-alive connection.
    for (const [route, headers, status] of [
      ['/api/albums', '', 401],
      ['/api/admin/database-backups/upload', `x-api-key: ${admin.apiKey}\r\n`, 400],
      ['/api/assets', `x-api-key: ${admin.apiKey}\r\n`, 400],
    ] as const) {
      const answers = await new Promise<string>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(`POST ${route} HTTP/1.1\r\nhost: ${url.host}\r\n${headers}content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
          socket.write(body);
          socket.write(`GET /api/server/ping HTTP/1.1\r\nhost: ${url.host}\r\nconnection: close\r\n\r\n`);
        });
        let text = '';
        socket.setTimeout(10_000, () => socket.destroy());
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', () => undefined);
      });
      expect(answers.slice(0, 12), route).toBe(`HTTP/1.1 ${status}`);
      expect(answers, `the ping after ${route}`).toContain('{"res":"pong"}');
    }
  });

  it('refuses an Immich upload whose dates are not dates, keeping nothing', async () => {
    for (const value of ['not a date', '275760-09-13T00:00:00.000Z', '2024-13-45']) {
      const form = new FormData();
      form.append('fileCreatedAt', value);
      form.append('fileModifiedAt', '2024-01-01T00:00:00.000Z');
      form.append('assetData', new Blob([new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile('test/fixtures/media/exifr__noexif.jpg')))]), `${value}.jpg`);
      const response = await fetch(`${server.url}/api/assets`, { method: 'POST', headers: { 'x-api-key': admin.apiKey }, body: form });
      expect(response.status, value).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/fileCreatedAt must be an ISO 8601 date/);
    }
    const search = await apiClient(server.url).call<{ assets: { total: number } }>('POST', '/search/metadata', { key: admin.apiKey, body: { originalFileName: 'not a date' } });
    expect(search.body.assets.total).toBe(0);
  });

  it('survives connections cut mid-body: short Content-Length, chunked cut mid-way, headers only', { timeout: 120_000 }, async () => {
    const ticket = await apiClient(server.url).call<{ upload: { url: string } }>('POST', '/uploads', {
      key: admin.apiKey,
      body: { fileName: 'cut.jpg', size: 100_000, checksum: 'a'.repeat(40) },
    });
    const signed = new URL(ticket.body.upload.url);
    const targets = [
      { method: 'POST', path: '/api/assets', type: 'multipart/form-data; boundary=xyz', auth: true },
      { method: 'POST', path: '/api/uploads', type: 'application/json', auth: true },
      { method: 'PUT', path: `/api/assets/${UUID}`, type: 'application/json', auth: true },
      { method: 'POST', path: '/api/auth/login', type: 'application/json', auth: false },
      { method: 'PUT', path: `${signed.pathname}${signed.search}`, type: 'application/octet-stream', auth: false },
    ];
    for (const target of targets) {
      const head = `${target.method} ${target.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${target.type}\r\n${target.auth ? `x-api-key: ${admin.apiKey}\r\n` : ''}`;
      await cutConnection(server.port, `${head}Content-Length: 100000\r\n\r\n${multipartHead}partial`);
      await cutConnection(server.port, `${head}Transfer-Encoding: chunked\r\n\r\n400\r\n${multipartHead}abc`);
      await cutConnection(server.port, head);
      await alive();
    }
    // And the signed URL still takes a whole, honest body afterwards.
    const put = await fetch(ticket.body.upload.url, { method: 'PUT', body: new Uint8Array(100_000) });
    expect(put.status).toBeLessThan(500);
    await alive();
  });
});

/** Writes `data` on a fresh connection and drops it without finishing the request. */
function cutConnection(port: number, data: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data, () => setTimeout(() => socket.destroy(), 50));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => setTimeout(resolve, 20));
  });
}
