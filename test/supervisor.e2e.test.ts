import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from './server-process.js';
import { apiClient, waitFor } from './test-runtime.js';

// `npm start`'s entry point supervises the server process: killed outright (what a crash or
// the OOM killer does), it is started again within seconds with everything still there.
describe('npm start restarts the server when it dies', () => {
  const work: string[] = [];
  afterAll(() => Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('is back within 10 s of a SIGKILL, with its data, and SIGTERM stops both processes', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-supervised-'));
    work.push(dir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const supervisor = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: { ...process.env, SHOEBOX_DATA: dir, SHOEBOX_PORT: String(port), SHOEBOX_HOST: '127.0.0.1', SHOEBOX_LOG_LEVEL: 'SILENT' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    supervisor.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    const answering = () => fetch(`${url}/api/server/ping`).then((r) => (r.ok ? true : undefined), () => undefined);
    await waitFor(answering, 'the server to start', 60_000);
    const admin = await apiClient(url).signUpAdmin();
    // The supervisor has other children too (tsx's esbuild service): pick the server by its script.
    const serverPid = () =>
      Number(spawnSync('pgrep', ['-P', String(supervisor.pid), '-f', 'local/server\\.ts'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
    const first = serverPid();
    expect(first).toBeGreaterThan(0);

    process.kill(first, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(async () => (serverPid() !== first && (await answering()) ? true : undefined), 'the server to be back', 10_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(stderr).toMatch(/Shoebox was killed by SIGKILL; starting it again in 1 s/);
    expect((await apiClient(url).call('GET', '/users/me', { key: admin.apiKey })).status).toBe(200);

    const second = serverPid();
    supervisor.kill('SIGTERM');
    await once(supervisor, 'exit');
    await waitFor(async () => (spawnSync('kill', ['-0', String(second)]).status !== 0 ? true : undefined), 'the server to stop with its supervisor', 20_000);
  });
});
