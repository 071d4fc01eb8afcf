import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMedia } from './media-samples.js';
import { rawRequest } from './raw-request.js';
import { freePort } from './server-process.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';
import { findTestTool, testToolMissing } from './tools/test-tools.js';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Proxy {
  name: 'caddy' | 'nginx';
  /** Starts the proxy from the repository's own configuration file; returns the CA a client trusts. */
  start(work: string, host: string, port: number, upstream: number): Promise<{ process: ChildProcess; ca: () => Promise<Buffer | undefined> }>;
}

/** The deploy/ file the README shows, with only the address, certificate and upstream changed. */
async function deployFile(name: string, replacements: [string | RegExp, string][]): Promise<string> {
  let text = await readFile(path.join(ROOT, 'deploy', name), 'utf8');
  for (const [from, to] of replacements) {
    const before = text;
    text = text.replace(from, to);
    if (text === before) throw new Error(`deploy/${name} no longer has ${String(from)}: update the test with the file`);
  }
  return text;
}

const PROXIES: Proxy[] = [
  {
    name: 'caddy',
    async start(work, host, port, upstream) {
      const site = await deployFile('Caddyfile', [
        ['photos.example.com {', `https://${host}:${port} {\n  tls internal`],
        ['127.0.0.1:2283', `127.0.0.1:${upstream}`],
      ]);
      await writeFile(path.join(work, 'Caddyfile'), `{\n  admin off\n  skip_install_trust\n  auto_https disable_redirects\n  storage file_system ${work}/data\n}\n${site}`);
      const process = spawn(findTestTool('caddy')!, ['run', '--config', path.join(work, 'Caddyfile'), '--adapter', 'caddyfile'], {
        env: { ...globalThis.process.env, HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work },
        stdio: 'ignore',
      });
      return { process, ca: () => readFile(path.join(work, 'data/pki/authorities/local/root.crt')).catch(() => undefined) };
    },
  },
  {
    name: 'nginx',
    async start(work, host, port, upstream) {
      const cert = path.join(work, 'cert.pem');
      const key = path.join(work, 'key.pem');
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${host}`, '-addext', `subjectAltName=IP:${host}`, '-keyout', key, '-out', cert]);
      if (made.status !== 0) throw new Error(`openssl: ${made.stderr}`);
      const site = await deployFile('nginx-shoebox.conf', [
        ['listen 443 ssl;', `listen ${host}:${port} ssl;`],
        ['server_name photos.example.com;', `server_name ${host};`],
        ['/etc/ssl/photos.example.com/fullchain.pem', cert],
        ['/etc/ssl/photos.example.com/privkey.pem', key],
        ['127.0.0.1:2283', `127.0.0.1:${upstream}`],
      ]);
      const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${work}/${t};`).join(' ');
      // As root, nginx's workers drop to nobody, who cannot read the key in this 0700 folder.
      const user = globalThis.process.getuid?.() === 0 ? 'user root;' : '';
      await writeFile(path.join(work, 'nginx.conf'), `${user}\nworker_processes 1;\npid ${work}/nginx.pid;\nerror_log ${work}/error.log;\nevents {}\nhttp {\n  access_log off;\n  ${temp}\n${site}\n}\n`);
      const process = spawn(findTestTool('nginx')!, ['-p', work, '-c', path.join(work, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
      return { process, ca: async () => readFile(cert) };
    },
  },
];

// Shoebox behind each proxy over HTTPS, started from the configuration files in deploy/ that
// the README shows: the URLs it hands out are the proxy's, cookies are Secure, uploads of
// hundreds of megabytes stream through, and downloads come back byte for byte.
describe.each(PROXIES)('behind $name over HTTPS', (proxy) => {
  const missing = testToolMissing(proxy.name, `apt-get install ${proxy.name}`);
  if (missing) {
    it.skip(`skipped: ${missing}`, () => undefined);
    return;
  }
  let runtime: TestRuntime;
  let server: ChildProcess;
  let work: string;
  let origin: string;
  let ca: Buffer;
  let user: TestUser;

  const request = (method: string, url: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {}) => rawRequest(url, { method, ca, ...opts });
  const json = (body: Buffer) => JSON.parse(body.toString()) as any;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), `shoebox-${proxy.name}-`));
    runtime = await startTestRuntime({ SHOEBOX_PART_SIZE: String(8 * 1024 * 1024) });
    const port = await freePort();
    const host = proxy.name === 'caddy' ? '127.0.0.9' : '127.0.0.10';
    origin = `https://${host}:${port}`;
    const started = await proxy.start(work, host, port, runtime.port);
    server = started.process;
    ca = await waitFor(started.ca, `${proxy.name}’s CA`, 20_000);
    await waitFor(async () => ((await request('GET', `${origin}/api/server/ping`).catch(() => undefined))?.status === 200 ? true : undefined), `${proxy.name} to proxy`, 20_000);
    user = await apiClient(runtime.url).signUpAdmin('me@example.com', 'a long password');
  }, 60_000);
  afterAll(async () => {
    server?.kill('SIGTERM');
    await runtime?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('logs in over HTTPS with a Secure cookie', async () => {
    const login = await request('POST', `${origin}/api/auth/login`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'me@example.com', password: 'a long password' }) });
    expect(login.status).toBe(201);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    expect(cookies.find((c) => c.startsWith('immich_access_token='))).toMatch(/; Secure/i);
  });

  it('uploads 20 MB in presigned parts through the proxy, at the proxy’s HTTPS URLs', async () => {
    const bytes = randomBytes(20 * 1024 * 1024);
    const checksum = createHash('sha1').update(bytes).digest('hex');
    const ticket = json((await request('POST', `${origin}/api/uploads`, { headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ fileName: 'big.jpg', size: bytes.length, checksum }) })).body);
    expect(ticket.upload.type).toBe('multipart');
    const parts: { partNumber: number; etag: string }[] = [];
    let offset = 0;
    for (const part of ticket.upload.parts as { partNumber: number; size: number; url: string }[]) {
      expect(part.url.startsWith(`${origin}/_blob/`)).toBe(true);
      const put = await request('PUT', part.url, { body: bytes.subarray(offset, offset + part.size) });
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: String(put.headers.etag) });
      offset += part.size;
    }
    const done = await request('POST', `${origin}/api/uploads/${ticket.id}/complete`, { headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ parts }) });
    expect(done.status).toBe(200);
  });

  it('takes an Immich multipart upload and serves its thumbnail through the proxy', async () => {
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const boundary = 'shoeboxboundary';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00.000Z\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00.000Z\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="Überfahrt.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      photo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const created = await request('POST', `${origin}/api/assets`, { headers: { 'x-api-key': user.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: form });
    expect(created.status).toBe(201);
    const id = json(created.body).id;
    await waitFor(async () => (json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).status === 'ready' ? true : undefined), 'processing');
    expect(json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).originalFileName).toBe('Überfahrt.jpg');
    const thumbnail = await request('GET', `${origin}/api/assets/${id}/thumbnail`, { headers: { 'x-api-key': user.apiKey } });
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers['content-type']).toBe('image/webp');
    const original = await request('GET', `${origin}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey } });
    expect(original.body.equals(photo)).toBe(true);
  });

  it('streams a 256 MB Immich upload through, and the original back byte for byte', { timeout: 180_000 }, async () => {
    // A real JPEG with 256 MB after it: decodable, and as big as a long phone video.
    const photo = await readMedia('exif-samples__DSCN0010.jpg');
    const bytes = Buffer.concat([photo, randomBytes(256 * 1024 * 1024)]);
    const boundary = 'shoeboxbig';
    const form = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileCreatedAt"\r\n\r\n2024-01-01T00:00:00.000Z\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fileModifiedAt"\r\n\r\n2024-01-01T00:00:00.000Z\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="assetData"; filename="groß.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const created = await request('POST', `${origin}/api/assets`, { headers: { 'x-api-key': user.apiKey, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: form });
    expect(created.status, created.body.toString().slice(0, 300)).toBe(201);
    const id = json(created.body).id;
    await waitFor(async () => (json((await request('GET', `${origin}/api/assets/${id}`, { headers: { 'x-api-key': user.apiKey } })).body).status === 'ready' ? true : undefined), 'processing', 120_000);
    const original = await request('GET', `${origin}/api/assets/${id}/original`, { headers: { 'x-api-key': user.apiKey } });
    expect(original.status).toBe(200);
    expect(original.body.length).toBe(bytes.length);
    expect(createHash('sha1').update(original.body).digest('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
  });
});
