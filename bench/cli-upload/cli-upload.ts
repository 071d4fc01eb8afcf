/**
 * `shoebox upload` against a local server (its own process, pipeline off: upload only):
 * large-file throughput, small-JPEG rate, and a re-run over an already-uploaded folder.
 * Writes bench/results/cli-upload.{json,md}.
 *
 *   npm run bench:cli-upload -- --large 4 --large-mb 200 --small 500 --rerun 10000
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { uniqueJpeg } from '../../test/media-samples.js';
import { startServerProcess } from '../../test/server-process.js';
import { apiClient } from '../../test/test-runtime.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    large: { type: 'string', default: '4' },
    'large-mb': { type: 'string', default: '200' },
    small: { type: 'string', default: '500' },
    rerun: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '8' },
  },
});

/** JPEG copies made unique by a comment segment, so each has its own checksum. */
async function writeJpegCopies(dir: string, count: number, source: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    await writeFile(path.join(dir, `IMG_${String(i).padStart(5, '0')}.jpg`), uniqueJpeg(source, `bench-${path.basename(dir)}-${i}-${randomBytes(4).toString('hex')}`));
  }
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-cli-bench-'));
  const server = await startServerProcess(path.join(work, 'data'), { SHOEBOX_LOG_LEVEL: 'ERROR', SHOEBOX_WORKERS: 'false' });
  const { url } = server;
  try {
    const user = await apiClient(url).signUpAdmin('bench@example.com', 'benchmark password');
    const env = { ...process.env, SHOEBOX_SERVER: url, SHOEBOX_API_KEY: user.apiKey, SHOEBOX_CONFIG_DIR: path.join(work, 'config') };
    const upload = async (dir: string) => {
      const started = performance.now();
      const { stdout } = await run(process.execPath, [path.join(root, 'cli/shoebox.mjs'), 'upload', dir, '--no-progress', '--concurrency', values.concurrency!], {
        env,
        maxBuffer: 64 * 1024 * 1024,
      });
      const seconds = (performance.now() - started) / 1000;
      if (!stdout.includes('0 failed')) throw new Error(stdout);
      return { seconds, stdout };
    };

    const largeDir = path.join(work, 'large');
    await mkdir(largeDir);
    const largeBytes = Number(values['large-mb']) * 1024 * 1024;
    for (let i = 0; i < Number(values.large); i++) await writeFile(path.join(largeDir, `clip-${i}.mp4`), randomBytes(largeBytes));
    const large = await upload(largeDir);

    const jpeg = await readFile(path.join(root, 'test/fixtures/media/test-assets__prairie_falcon.jpg'));
    const smallDir = path.join(work, 'small');
    await writeJpegCopies(smallDir, Number(values.small), jpeg);
    const small = await upload(smallDir);

    const rerunDir = path.join(work, 'rerun');
    await writeJpegCopies(rerunDir, Number(values.rerun), await readFile(path.join(root, 'test/fixtures/media/exif-samples__Canon_40D.jpg')));
    const firstRun = await upload(rerunDir);
    const rerun = await upload(rerunDir);
    if (!rerun.stdout.includes('0 uploaded (0 B sent)')) throw new Error(`the re-run sent bytes:\n${rerun.stdout}`);

    const result = {
      bench: 'cli-upload',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      concurrency: Number(values.concurrency),
      large: { files: Number(values.large), megabytesEach: Number(values['large-mb']), seconds: large.seconds, megabytesPerSecond: (Number(values.large) * largeBytes) / 1e6 / large.seconds },
      small: { files: Number(values.small), seconds: small.seconds, filesPerSecond: Number(values.small) / small.seconds },
      rerun: { files: Number(values.rerun), firstRunSeconds: firstRun.seconds, rerunSeconds: rerun.seconds },
      targets: { largeMegabytesPerSecond: 50, smallFilesPerSecond: 30, rerunOf10kSeconds: 10 },
    };
    const table = [
      `# CLI upload bench — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, server on the same machine, pipeline off`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| large files (${result.large.files} × ${result.large.megabytesEach} MB, multipart) | ${result.large.megabytesPerSecond.toFixed(1)} MB/s | ≥ 50 MB/s |`,
      `| small JPEGs (${result.small.files} × ${(jpeg.length / 1000).toFixed(0)} KB) | ${result.small.filesPerSecond.toFixed(1)} files/s | ≥ 30 files/s |`,
      `| first upload of ${result.rerun.files} small files | ${result.rerun.firstRunSeconds.toFixed(1)} s | |`,
      `| re-run on the same ${result.rerun.files} files (0 bytes sent) | ${result.rerun.rerunSeconds.toFixed(2)} s | < 10 s for 10K |`,
    ].join('\n');
    await writeFile(path.join(root, 'bench/results/cli-upload.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(path.join(root, 'bench/results/cli-upload.md'), `${table}\n`);
    console.log(table);
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
