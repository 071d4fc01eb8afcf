// npm run bench:upload-receive [-- --photos 24 --rounds 2]
//
// Immich's multipart `POST /api/assets`, the path the Immich app, CLI and immich-go all use:
// 24 distinct 12-megapixel JPEGs sent 4 at a time, timed until every answer is in (received)
// and until every one has its thumbnail (the pipeline running as it does at home). Beside it in
// the same run, interleaved: a bare Node HTTP server that streams the same multipart bodies to
// disk with SHA-1 and nothing else — the line rate this machine allows.
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { uniqueJpeg } from '../../test/media-samples.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { writeResults } from '../measure.js';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '24' }, rounds: { type: 'string', default: '2' } } });
const PHOTOS = Number(values.photos);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = 4;

/** A bare receiver: busboy → file, hashed on the way. What any server must at least do. */
async function startBareServer(dir: string) {
  let n = 0;
  const server = http.createServer((request, response) => {
    const parser = busboy({ headers: request.headers });
    const done: Promise<void>[] = [];
    parser.on('file', (_name, stream) => {
      const sha1 = createHash('sha1');
      stream.on('data', (chunk: Buffer) => sha1.update(chunk));
      done.push(pipeline(stream, createWriteStream(path.join(dir, `${n++}`))).then(() => void sha1.digest('hex')));
    });
    parser.on('field', () => undefined);
    parser.on('close', () => void Promise.all(done).then(() => response.writeHead(201, { 'content-type': 'application/json' }).end('{"status":"created"}')));
    request.pipe(parser);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function form(bytes: Buffer, i: number): FormData {
  const body = new FormData();
  body.append('deviceAssetId', `bench-${i}`);
  body.append('deviceId', 'bench');
  body.append('fileCreatedAt', '2024-06-01T10:00:00.000Z');
  body.append('fileModifiedAt', '2024-06-01T10:00:00.000Z');
  body.append('assetData', new Blob([new Uint8Array(bytes)]), `IMG_${String(i).padStart(4, '0')}.jpg`);
  return body;
}

/** Sends every photo, CONCURRENCY at a time; milliseconds until the last answer. */
async function sendAll(url: string, headers: Record<string, string>, photos: Buffer[]): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < photos.length) {
        const i = next++;
        const response = await fetch(`${url}/api/assets`, { method: 'POST', headers, body: form(photos[i]!, i) });
        if (response.status !== 201) throw new Error(`upload ${i}: ${response.status} ${await response.text()}`);
        await response.arrayBuffer();
      }
    }),
  );
  return performance.now() - started;
}

const base = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
  .jpeg({ quality: 85 })
  .toBuffer();
const rounds: { bare: number; received: number; thumbnails: number }[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const photos = Array.from({ length: PHOTOS }, (_, i) => uniqueJpeg(base, `round ${round} photo ${i}`));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-bare-'));
  const bare = await startBareServer(dir);
  const bareMs = await sendAll(bare.url, {}, photos);
  await bare.close();
  await rm(dir, { recursive: true, force: true });

  const runtime = await startTestRuntime({ SHOEBOX_LOG_LEVEL: 'SILENT' });
  const user = await apiClient(runtime.url).signUpAdmin();
  const started = performance.now();
  const receivedMs = await sendAll(runtime.url, { 'x-api-key': user.apiKey }, photos);
  for (;;) {
    const { rows } = await runtime.ports.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM assets a WHERE a.status = 'ready' AND EXISTS (SELECT 1 FROM asset_files f WHERE f.asset_id = a.id AND f.type = 'thumbnail')`,
    );
    if (Number(rows[0]!.n) >= PHOTOS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const thumbnailsMs = performance.now() - started;
  await runtime.close();
  rounds.push({ bare: bareMs, received: receivedMs, thumbnails: thumbnailsMs });
  console.log(`round ${round + 1}: bare ${bareMs.toFixed(0)} ms, Shoebox received ${receivedMs.toFixed(0)} ms, all thumbnails ${thumbnailsMs.toFixed(0)} ms`);
}

const megabytes = (PHOTOS * base.length) / 1e6;
const fmt = (ms: number[]) => ms.map((m) => (m / 1000).toFixed(2)).join(', ');
const ratios = rounds.map((r) => r.bare / r.received);
const result = {
  date: new Date().toISOString().slice(0, 10),
  cores: os.cpus().length,
  photos: PHOTOS,
  photoBytes: base.length,
  concurrency: CONCURRENCY,
  rounds,
  receiveVsBare: ratios,
};
const table = `# Upload receive bench — ${result.date}, ${result.cores} cores, ${PHOTOS} × ${(base.length / 1e6).toFixed(1)} MB 12 MP JPEGs (${megabytes.toFixed(0)} MB), ${CONCURRENCY} at a time, pipeline on

| measure | ${rounds.map((_, i) => `round ${i + 1}`).join(' | ')} | target |
|---|${rounds.map(() => '---|').join('')}---|
| bare Node server (busboy → disk + SHA-1), s | ${fmt(rounds.map((r) => r.bare)).split(', ').join(' | ')} | |
| Shoebox \`POST /api/assets\`: every answer in, s | ${fmt(rounds.map((r) => r.received)).split(', ').join(' | ')} | |
| Shoebox: every thumbnail ready, s | ${fmt(rounds.map((r) => r.thumbnails)).split(', ').join(' | ')} | |
| receive speed vs the bare server | ${ratios.map((r) => `${r.toFixed(2)}×`).join(' | ')} | ≥ 0.8× |`;
await writeResults('upload-receive', result, table);
