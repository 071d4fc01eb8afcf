import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const venvBin = path.join(process.env.SHOEBOX_TEST_VENV ?? path.join(root, '.venv'), 'bin');

/**
 * Where a test tool is: the project's .venv/ first (what install-test-tools.mjs puts there),
 * then the PATH. Undefined when it is nowhere.
 */
export function findTestTool(command: string): string | undefined {
  const local = path.join(venvBin, command);
  if (existsSync(local)) return local;
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : ['/usr/sbin', '/usr/bin'].map((dir) => path.join(dir, command)).find(existsSync);
}

/** Why a test cannot run for want of `command`, or undefined when it can: put it in the skipped test's title. */
export function testToolMissing(command: string, install: string): string | undefined {
  return findTestTool(command) ? undefined : `${command} is not installed (${install}; npm test installs it where it may)`;
}
