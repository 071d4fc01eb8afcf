import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './server-process.js';
import { waitFor } from './test-runtime.js';
import { findTestTool } from './tools/test-tools.js';
import { rawRequest } from './raw-request.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Proxy {
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

export const PROXIES: Proxy[] = [
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
        stdio: ['ignore', 'ignore', openSync(path.join(work, 'caddy.log'), 'w')],
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


export interface RunningProxy {
  origin: string;
  /** The certificate authority a client must trust to reach `origin`. */
  ca: Buffer;
  stop(): void;
}

/** One of the proxies in front of a Shoebox on `upstream`, at https://<host>:<free port>, answering. */
export async function startReverseProxy(proxy: Proxy, work: string, host: string, upstream: number): Promise<RunningProxy> {
  // A free port can be taken by a parallel test before the proxy binds it; the proxy then
  // exits at once, and a fresh port is tried. Any other failure says what the proxy logged.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const origin = `https://${host}:${port}`;
    const started = await proxy.start(work, host, port, upstream);
    let exited: string | undefined;
    started.process.once('exit', (code, signal) => { exited = `exited (${signal ?? code})`; });
    const unlessExited = async <T>(check: () => Promise<T | undefined>): Promise<T | undefined> => {
      if (exited) throw new Error(exited);
      return check();
    };
    try {
      // Generous: on a busy CI machine (another test writing a 2 GiB upload) Caddy's first start,
      // which makes its own CA and certificate, has taken over 20 s.
      const ca = await waitFor(() => unlessExited(started.ca), `${proxy.name}’s CA`, 60_000);
      await waitFor(() => unlessExited(async () => ((await rawRequest(`${origin}/api/server/ping`, { ca }).catch(() => undefined))?.status === 200 ? true : undefined)), `${proxy.name} to proxy`, 60_000);
      return { origin, ca, stop: () => started.process.kill('SIGTERM') };
    } catch (error) {
      started.process.kill('SIGKILL');
      if (exited && attempt < 3) continue;
      const log = await proxyLog(proxy, work);
      throw new Error(`${proxy.name} at ${origin}: ${(error as Error).message}\n${log}`);
    }
  }
}

/** The end of what the proxy wrote, for a failure's message. */
async function proxyLog(proxy: Proxy, work: string): Promise<string> {
  const file = path.join(work, proxy.name === 'caddy' ? 'caddy.log' : 'error.log');
  const text = await readFile(file, 'utf8').catch(() => '(no log)');
  return text.slice(-4000);
}
