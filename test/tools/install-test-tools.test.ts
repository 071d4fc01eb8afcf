import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const script = path.resolve(import.meta.dirname, 'install-test-tools.mjs');
// A PATH with node but without any pip-installed tool (no pyenv shims, no .venv).
const barePath = [path.dirname(process.execPath), '/usr/local/sbin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
const work: string[] = [];
afterAll(() => Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true }))));

function installTools(env: Record<string, string>) {
  return spawnSync(process.execPath, [script], { env: { ...process.env, PATH: barePath, ...env }, encoding: 'utf8', timeout: 300_000 });
}

describe('npm test installs its own tools (test/tools/install-test-tools.mjs)', () => {
  it('makes a fresh virtual environment with moto_server from PyPI when none exists, and does nothing the second time', { timeout: 300_000 }, async () => {
    const venv = path.join(await mkdtemp(path.join(os.tmpdir(), 'shoebox-venv-')), '.venv');
    work.push(path.dirname(venv));
    const first = installTools({ SHOEBOX_TEST_VENV: venv, SHOEBOX_TEST_NO_APT: '1' });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('installing test/tools/requirements.txt');
    const moto = path.join(venv, 'bin', 'moto_server');
    expect(existsSync(moto)).toBe(true);
    expect(spawnSync(moto, ['--help'], { encoding: 'utf8' }).stdout).toContain('usage');
    expect(existsSync(path.join(venv, 'bin', 'schemathesis'))).toBe(true);

    const second = installTools({ SHOEBOX_TEST_VENV: venv, SHOEBOX_TEST_NO_APT: '1' });
    expect(second.status).toBe(0);
    expect(second.stdout).not.toContain('installing');
  });

  it('says what to run for each missing Debian tool instead of failing', () => {
    const run = installTools({ SHOEBOX_TEST_NO_APT: '1', PATH: path.dirname(process.execPath) });
    expect(run.status).toBe(0);
    // With only node on the PATH, the tools in /usr/bin cannot be found: each gets its line.
    expect(run.stdout).toContain("chromium is missing: the web app's browser tests will skip — run `sudo apt-get install chromium`");
    expect(run.stdout).toContain('heif-convert is missing: the HEIC reference decoder will skip — run `sudo apt-get install libheif-examples`');
    expect(run.stdout).toContain('caddy is missing: the reverse-proxy (HTTPS) tests will skip — run `sudo apt-get install caddy`');
  });
});
