import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** SIGTERM (a graceful stop), then wait for the exit. */
  stop(): Promise<void>;
}

/**
 * `npm start`'s entry point as a real child process on loopback — for what needs a process
 * of its own: killing it with SIGKILL, or measuring its memory apart from the test's.
 */
export async function startServerProcess(dataDir: string, env: Record<string, string> = {}, port?: number): Promise<ServerProcess> {
  const listenPort = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', process.env.TEST_SERVER_STDERR ? 'inherit' : 'ignore'],
    env: {
      ...process.env,
      SHOEBOX_DATA: dataDir,
      SHOEBOX_PORT: String(listenPort),
      SHOEBOX_HOST: '127.0.0.1',
      SHOEBOX_LOG_LEVEL: 'SILENT',
      ...env,
    },
  });
  const url = `http://127.0.0.1:${listenPort}`;
  for (let i = 0; !(await fetch(`${url}/api/server/ping`).catch(() => undefined))?.ok; i++) {
    if (i > 600 || child.exitCode !== null) throw new Error('the server process did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port: listenPort,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
