import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's proxy configurations are the deploy/ files the reverse-proxy test runs, verbatim.
describe('the README shows the tested deploy files', () => {
  const root = path.resolve(import.meta.dirname, '..');
  it.each(['Caddyfile', 'nginx-shoebox.conf'])('deploy/%s is in the README as it is', async (file) => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(await readFile(path.join(root, 'deploy', file), 'utf8'));
  });
});
