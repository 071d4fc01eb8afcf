import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { forEachTakeoutEntry, refusedEntry } from './takeout-archives.js';

const work: string[] = [];
afterAll(() => Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true }))));

describe('hostile Takeout entries are skipped, the rest imported', () => {
  it.each([
    ['Takeout/Google Photos/Trip/IMG_1.jpg', undefined],
    ['Takeout/Google Photos/Café ü/IMG_2.jpg', undefined],
    ['../evil.jpg', 'the path leads out of the export (..)'],
    ['Takeout/../../etc/cron.d/x', 'the path leads out of the export (..)'],
    ['/etc/passwd', 'the path is absolute or uses backslashes'],
    ['C:/Windows/x.jpg', 'the path is absolute or uses backslashes'],
    ['Takeout\\..\\x.jpg', 'the path is absolute or uses backslashes'],
    ['Takeout/a\0b.jpg', 'the name contains a NUL character'],
  ])('%j', (name, reason) => expect(refusedEntry(name)).toBe(reason));

  it('refuses a big entry that would expand more than 1,000 times, not a small one', () => {
    expect(refusedEntry('x.jpg', { compressed: 100_000, uncompressed: 10 * 1024 ** 3 })).toMatch(/decompression bomb/);
    expect(refusedEntry('x.json', { compressed: 10, uncompressed: 60_000 })).toBeUndefined();
  });

  it('walks past a ../ entry in a zip, visiting the others and reporting it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'takeout-hostile-'));
    work.push(dir);
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('one'), 'Takeout/Google Photos/A/one.jpg');
    zip.addBuffer(Buffer.from('evil'), 'QQ/evil.jpg'); // renamed to ../evil.jpg below: yazl refuses to write it
    zip.addBuffer(Buffer.from('two'), 'Takeout/Google Photos/A/two.jpg');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const bytes = Buffer.from(Buffer.concat(chunks).toString('latin1').replaceAll('QQ/evil.jpg', '../evil.jpg'), 'latin1');
    const file = path.join(dir, 'takeout-001.zip');
    await writeFile(file, bytes);
    const visited: string[] = [];
    const refused: string[] = [];
    await forEachTakeoutEntry(
      [file],
      async (entry) => void visited.push(entry.name),
      (entry, reason) => refused.push(`${entry.name}: ${reason}`),
    );
    expect(visited).toEqual(['Takeout/Google Photos/A/one.jpg', 'Takeout/Google Photos/A/two.jpg']);
    expect(refused).toEqual(['../evil.jpg: the path leads out of the export (..)']);
  });
});
