#!/usr/bin/env node
// `npm test` runs this first (pretest): it installs what the tests drive, idempotently, and
// says in one line per tool what is missing and how to get it. It never fails the run for a
// missing tool: the tests that need it skip, naming the same reason (test/tools/test-tools.ts).
//
// - Python tools (requirements.txt) go into a project-local virtual environment, .venv/,
//   reinstalled only when requirements.txt changes (a stamp file remembers its hash).
// - Debian packages are installed when missing and this user may (root, or sudo without a
//   password); otherwise the line says what to run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const venv = process.env.SHOEBOX_TEST_VENV ?? path.join(root, '.venv');
const requirements = path.join(import.meta.dirname, 'requirements.txt');

/** Debian packages the tests use, by the command each provides. */
export const DEBIAN_TOOLS = [
  { command: 'chromium', pkg: 'chromium', for: "the web app's browser tests" },
  { command: 'heif-convert', pkg: 'libheif-examples', for: 'the HEIC reference decoder' },
  { command: 'caddy', pkg: 'caddy', for: 'the reverse-proxy (HTTPS) tests' },
  { command: 'nginx', pkg: 'nginx', for: 'the reverse-proxy tests' },
];

const say = (line) => console.log(`test tools: ${line}`);
const run = (command, args, options = {}) => spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
const has = (command) => run('sh', ['-c', `command -v ${command}`]).status === 0 || existsSync(`/usr/sbin/${command}`);

function installPythonTools() {
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = path.join(venv, '.shoebox-requirements');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted && existsSync(path.join(venv, 'bin', 'moto_server'))) return;
  const python = ['python3', 'python'].find((candidate) => run(candidate, ['--version']).status === 0);
  if (!python) return say(`no python3: the AWS adapter and fuzzing tests will skip (install python3 and python3-venv)`);
  if (!existsSync(path.join(venv, 'bin', 'python'))) {
    const made = run(python, ['-m', 'venv', venv]);
    if (made.status !== 0) {
      return say(`could not make ${venv} (${lastLine(made.stderr)}): install python3-venv; the AWS adapter and fuzzing tests will skip`);
    }
  }
  say(`installing ${path.relative(root, requirements)} into ${path.relative(root, venv) || venv}…`);
  const pip = run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: ['ignore', 'inherit', 'pipe'] });
  if (pip.status !== 0) return say(`pip could not install the Python tools (${lastLine(pip.stderr)}); the tests that need them will skip`);
  writeFileSync(stamp, wanted);
}

function installDebianTools() {
  const missing = DEBIAN_TOOLS.filter((tool) => !has(tool.command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((tool) => tool.pkg))];
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && run('sudo', ['-n', 'true']).status === 0;
  if (process.env.SHOEBOX_TEST_NO_APT !== '1' && (asRoot || sudo)) {
    const prefix = asRoot ? [] : ['sudo', '-n'];
    say(`installing ${packages.join(', ')} from Debian…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) => run(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...args], { env });
    apt(['update', '-qq']);
    const installed = apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
    if (installed.status !== 0) say(`apt-get could not install them (${lastLine(installed.stderr)})`);
  }
  for (const tool of missing.filter((tool) => !has(tool.command))) {
    say(`${tool.command} is missing: ${tool.for} will skip — run \`sudo apt-get install ${tool.pkg}\``);
  }
}

function lastLine(text) {
  return (text ?? '').trim().split('\n').at(-1) ?? '';
}

installPythonTools();
installDebianTools();
