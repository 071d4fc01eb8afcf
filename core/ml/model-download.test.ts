import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../adapters/aws/aws-clients.js';
import { S3ObjectStore } from '../../adapters/aws/s3-object-store.js';
import { motoMissing, startMotoServer, type MotoServer } from '../../test/moto-server.js';
import { writeSha256Sums, writeTinyClipPack } from '../../test/model-packs.js';
import { loadClipModel } from './clip-model.js';
import { downloadPack, DownloadFailed, sourceFor } from './model-download.js';
import { packDir, packPresent } from './model-packs.js';

const run = promisify(execFile);
const NAME = 'ViT-B-32__openai';

describe('model downloads', () => {
  let work: string;
  let files: Map<string, Buffer>;
  let server: Server;
  let base: string;
  /** What the mirror does to the next request for a file: cut it short, or change its bytes. */
  const sabotage = new Map<string, 'cut' | 'corrupt'>();
  const ranges: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-download-'));
    files = await writeSha256Sums(await writeTinyClipPack(path.join(work, 'published')));
    server = createServer((req, res) => {
      const prefix = `/clip/${NAME}/`;
      const file = decodeURIComponent(req.url!.slice(prefix.length));
      const bytes = req.url!.startsWith(prefix) ? files.get(file) : undefined;
      if (!bytes) return void res.writeHead(404).end();
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range) ranges.push(`${file}:${range[1]}`);
      const start = range ? Number(range[1]) : 0;
      const body = bytes.subarray(start);
      res.writeHead(range ? 206 : 200, { 'content-length': body.length, ...(range ? { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) });
      const trick = sabotage.get(file);
      sabotage.delete(file);
      if (trick === 'cut') {
        res.write(body.subarray(0, Math.floor(body.length / 3)));
        setTimeout(() => res.destroy(), 20); // the connection drops mid-file
      } else if (trick === 'corrupt') {
        const bad = Buffer.from(body);
        bad[bad.length >> 1] = bad[bad.length >> 1]! ^ 0xff;
        res.end(bad);
      } else {
        res.end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('fetches a pack from a mirror with checksums, into a cache the app loads, and skips it when up to date', async () => {
    const cache = path.join(work, 'cache-1');
    const seen: string[] = [];
    const fetched = await downloadPack(sourceFor(base), cache, 'clip', NAME, (e) => e.done && seen.push(e.file));
    expect(fetched.sort()).toEqual([...files.keys()].filter((f) => f !== 'SHA256SUMS').sort());
    expect(seen).toContain('visual/model.onnx');
    expect(await packPresent(cache, 'clip', NAME)).toBe(true);
    const clip = await loadClipModel(packDir(cache, 'clip', NAME), NAME);
    expect((await clip.encodeText('red')).length).toBe(512);
    expect(await downloadPack(sourceFor(base), cache, 'clip', NAME)).toEqual([]);
  });

  it('resumes an interrupted download where it stopped', async () => {
    const cache = path.join(work, 'cache-2');
    sabotage.set('visual/model.onnx', 'cut');
    await expect(downloadPack(sourceFor(base), cache, 'clip', NAME)).rejects.toThrow();
    const partial = path.join(packDir(cache, 'clip', NAME), 'visual/model.onnx.partial');
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    expect(await packPresent(cache, 'clip', NAME)).toBe(false);
    await downloadPack(sourceFor(base), cache, 'clip', NAME);
    expect(ranges).toContain(`visual/model.onnx:${kept}`);
    const got = await readFile(path.join(packDir(cache, 'clip', NAME), 'visual/model.onnx'));
    expect(got.equals(files.get('visual/model.onnx')!)).toBe(true);
  });

  it('discards a corrupted download and says so; refuses missing packs and hostile paths', async () => {
    const cache = path.join(work, 'cache-3');
    sabotage.set('textual/model.onnx', 'corrupt');
    await expect(downloadPack(sourceFor(base), cache, 'clip', NAME)).rejects.toThrow(/textual\/model.onnx: checksum mismatch/);
    const dir = packDir(cache, 'clip', NAME);
    await expect(stat(path.join(dir, 'textual/model.onnx'))).rejects.toThrow();
    await expect(stat(path.join(dir, 'textual/model.onnx.partial'))).rejects.toThrow();
    expect(await packPresent(cache, 'clip', NAME)).toBe(false);
    await downloadPack(sourceFor(base), cache, 'clip', NAME); // a clean second try
    expect(await packPresent(cache, 'clip', NAME)).toBe(true);

    await expect(downloadPack(sourceFor(base), cache, 'clip', 'ViT-L-14__nope')).rejects.toThrow(/HTTP 404/);
    await expect(downloadPack(sourceFor(base), cache, 'clip', '../../etc')).rejects.toThrow(/Invalid model name/);
    const hostile = path.join(work, 'hostile');
    await writeTinyClipPack(hostile);
    const sums = `${(await readFile(path.join(packDir(path.join(work, 'published'), 'clip', NAME), 'SHA256SUMS'), 'utf8'))}${'0'.repeat(64)}  ../../escape.json\n`;
    await writeFile(path.join(packDir(hostile, 'clip', NAME), 'SHA256SUMS'), sums);
    await expect(downloadPack(sourceFor(hostile), path.join(work, 'cache-4'), 'clip', NAME)).rejects.toThrow(DownloadFailed);
  });

  it('copies from a folder (an Immich cache)', async () => {
    const fromFolder = path.join(work, 'cache-5');
    await downloadPack(sourceFor(`file://${path.join(work, 'published')}`), fromFolder, 'clip', NAME);
    expect(await packPresent(fromFolder, 'clip', NAME)).toBe(true);
  });

  it.skipIf(motoMissing())(`copies from S3${motoMissing() ? ` — skipped: ${motoMissing()}` : ''}`, async () => {
    let moto: MotoServer | undefined;
    try {
      moto = await startMotoServer();
      const { s3 } = awsClients({ endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      await s3.send(new CreateBucketCommand({ Bucket: 'derived' }));
      for (const [file, bytes] of files) await s3.send(new PutObjectCommand({ Bucket: 'derived', Key: `models/clip/${NAME}/${file}`, Body: bytes }));
      const fromS3 = path.join(work, 'cache-6');
      await downloadPack(sourceFor('s3://derived/models', new S3ObjectStore(s3, 'derived')), fromS3, 'clip', NAME);
      expect(await packPresent(fromS3, 'clip', NAME)).toBe(true);
    } finally {
      await moto?.stop();
    }
  });

  it('`npm run models` shows progress and exits 0, or 1 with the reason', async () => {
    const env = { ...process.env, SHOEBOX_MODELS: path.join(work, 'cache-7'), SHOEBOX_MODEL_SOURCE: base };
    const tsx = path.join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const script = path.join(import.meta.dirname, '../../local/models.ts');
    const failed = await run(tsx, [script], { env }).catch((error: { code: number; stderr: string }) => error);
    // The mirror has the CLIP pack but no face pack: one done, one failed.
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/####.*100%.*visual\/model.onnx/);
    expect((failed as { stderr: string }).stderr).toMatch(/facial-recognition\/buffalo_l.*\n.*failed: .*HTTP 404/);
    expect(await packPresent(path.join(work, 'cache-7'), 'clip', NAME)).toBe(true);
  });
});
