/**
 * Ingest benchmark: N real 12-megapixel JPEGs through upload → metadata → thumbnail on
 * the embedded runtime, beside a bare sharp loop that makes the same two outputs from
 * the same files on the same machine in the same run. Prints JSON and a markdown table
 * and writes both to bench/results/.
 *
 *   npm run bench:ingest -- --photos 40 --rounds 5
 *
 * What bounds the figures on a 2-core machine: the bare loop keeps both cores on libvips;
 * the pipeline adds, per photo, ~30 ms on the embedded database's thread (~16 statements:
 * queue receive/delete, idempotency claim/complete, stage outcome) and ~25 ms of JS
 * (hashing, EXIF, HTTP). create-upload is one statement per batch of concurrent requests
 * (group commit, over a Unix socket to the database thread) plus ~0.8 ms of HTTP on the main
 * thread; with the 10 clients on the same two cores it serves ~1,000–1,300 requests/s, so
 * closed-loop p95 sits at 13–22 ms depending on what else the machine is doing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { readConfig } from '../../core/config.js';
import { createLogger } from '../../core/runtime/logger.js';
import { startLocalRuntime } from '../../local/runtime.js';
import { forEachConcurrently } from '../../cli/for-each-concurrently.js';
import { startServerProcess } from '../../test/server-process.js';
import { apiClient } from '../../test/test-runtime.js';
import { percentile } from '../measure.js';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '2' },
    'metadata-workers': { type: 'string' },
    'thumbnail-workers': { type: 'string' },
    'latency-requests': { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
  },
});
const N = Number(values.photos);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const WARM_UP_PER_CLIENT = 50;
const root = path.resolve(import.meta.dirname, '../..');
const source = path.join(root, 'test/fixtures/media/exif-samples__iphone_hdr_YES.jpg');

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');
const mb = (bytes: number) => Math.round(bytes / 1e6);

/**
 * 4000×3000 JPEGs from a real iPhone photo (EXIF kept), with sensor-like grain so they
 * weigh what a 12 MP phone photo weighs (~3 MB, not the ~0.3 MB of a smooth upscale), each
 * made unique by a comment segment.
 */
async function makePhotos(dir: string, round: number): Promise<string[]> {
  const grain = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 12 } } })
    .png()
    .toBuffer();
  const base = await sharp(source)
    .resize(4000, 3000, { fit: 'cover' })
    .composite([{ input: grain, blend: 'overlay' }])
    .keepExif()
    .jpeg({ quality: 90 })
    .toBuffer();
  const files: string[] = [];
  for (let i = 0; i < N; i++) {
    const comment = Buffer.from(`shoebox-bench-${round}-${i}-${randomBytes(4).toString('hex')}`);
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0, comment.length + 2]), comment]);
    const file = path.join(dir, `photo-${round}-${String(i).padStart(4, '0')}.jpg`);
    await writeFile(file, Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]));
    files.push(file);
  }
  return files;
}

/** The same two outputs Shoebox makes, the plain way: each straight from the original. */
async function bareSharp(files: string[]): Promise<{ rate: number; cores: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await forEachConcurrently(files, CONCURRENCY, async (file) => {
    const input = await readFile(file);
    await sharp(input).autoOrient().resize(250, 250, { fit: 'outside' }).webp({ quality: 80 }).toBuffer();
    await sharp(input).autoOrient().resize(1440, 1440, { fit: 'outside' }).jpeg({ quality: 80 }).toBuffer();
  });
  const seconds = (performance.now() - started) / 1000;
  return { rate: files.length / seconds, cores: coresUsed(cpu, seconds) };
}

/** Average number of cores this process kept busy since `since`. */
function coresUsed(since: NodeJS.CpuUsage, seconds: number): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6 / seconds;
}

function postJson(agent: http.Agent, url: string, apiKey: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-api-key': apiKey } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/**
 * The server as `npm start` runs it, in its own process: idle RSS, then create-upload
 * latency from 10 concurrent clients in this process.
 */
async function measureServerProcess(work: string) {
  const server = await startServerProcess(path.join(work, 'server'), { SHOEBOX_LOG_LEVEL: 'ERROR' });
  const { url, child } = server;
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleRssMB = mb(rssOf(child.pid!));
    const api = apiClient(url);
    const admin = await api.signUpAdmin('latency@example.com', 'benchmark password');
    const latencies: number[] = [];
    const perClient = Number(values['latency-requests']);
    // node:http with keep-alive: a light client, so the measure is the server's, not fetch's.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const clients = (requests: number, record: boolean) =>
      Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = 0; i < requests; i++) {
            const body = JSON.stringify({ fileName: 'latency.jpg', size: 1000, checksum: randomBytes(20).toString('hex') });
            const started = performance.now();
            const status = await postJson(agent, `${url}/api/uploads`, admin.apiKey, body);
            if (record) latencies.push(performance.now() - started);
            if (status !== 201) throw new Error(`create-upload answered ${status}`);
          }
        }),
      );
    // Steady state: the first requests pay for JIT compilation, measured separately by cold starts.
    await clients(WARM_UP_PER_CLIENT, false);
    await clients(perClient, true);
    agent.destroy();
    latencies.sort((a, b) => a - b);
    return {
      idleRssMB,
      busyRssMB: mb(rssOf(child.pid!)),
      createUpload: { clients: 10, requests: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) },
    };
  } finally {
    await server.stop();
  }
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-bench-'));
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    await mkdir(path.join(work, 'photos'));
    const config = readConfig({
      SHOEBOX_DATA: path.join(work, 'data'),
      SHOEBOX_PORT: '0',
      SHOEBOX_HOST: '127.0.0.1',
      SHOEBOX_LOG_LEVEL: 'ERROR',
      SHOEBOX_WORKERS: 'false',
      ...(values['metadata-workers'] ? { SHOEBOX_METADATA_WORKERS: values['metadata-workers'] } : {}),
      ...(values['thumbnail-workers'] ? { SHOEBOX_THUMBNAIL_WORKERS: values['thumbnail-workers'] } : {}),
    });
    const runtime = await startLocalRuntime(config, createLogger(config.logLevel));
    const api = apiClient(runtime.url);
    const admin = await api.signUpAdmin('bench@example.com', 'benchmark password');

    // Rounds interleave the bare loop and the pipeline, so both see the same machine weather.
    const rounds: Array<{
      bare: number;
      bareCores: number;
      upload: number;
      uploadMBps: number;
      metadata: number;
      pipeline: number;
      pipelineCores: number;
      dbMsPerPhoto: number;
      cpuMsPerPhoto: number;
    }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      const files = await makePhotos(path.join(work, 'photos'), round);
      const bare = await bareSharp(files);

      // Upload everything first (workers off), so the stages are timed on their own.
      const ids: string[] = [];
      const uploadStarted = performance.now();
      let uploadedBytes = 0;
      await forEachConcurrently(files, 4, async (file, index) => {
        const bytes = await readFile(file);
        uploadedBytes += bytes.length;
        const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', {
          key: admin.apiKey,
          body: { fileName: path.basename(file), size: bytes.length, checksum: sha1(bytes) },
        });
        const put = await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes });
        if (!put.ok) throw new Error(`PUT failed: ${put.status}`);
        ids[index] = ticket.body.id;
      });
      const uploadSeconds = (performance.now() - uploadStarted) / 1000;

      const pipelineStarted = Date.now();
      const pipelineCpu = process.cpuUsage();
      const dbBusyBefore = runtime.embedded?.busyMs() ?? 0;
      runtime.startWorkers();
      for (;;) {
        const { rows } = await runtime.ports.db.query<{ ready: number; failed: number }>(
          `SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'failed')::int AS failed
           FROM assets WHERE id = ANY($1::uuid[])`,
          [ids],
        );
        if (rows[0]!.failed > 0) throw new Error(`${rows[0]!.failed} photos failed`);
        if (rows[0]!.ready === N) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const pipelineSeconds = (Date.now() - pipelineStarted) / 1000;
      const pipelineCores = coresUsed(pipelineCpu, pipelineSeconds);
      const dbMsPerPhoto = ((runtime.embedded?.busyMs() ?? 0) - dbBusyBefore) / N;
      await runtime.stopWorkers();
      const { rows: stageRows } = await runtime.ports.db.query<{ last: Date }>(
        `SELECT max(updated_at) AS last FROM asset_job_status WHERE asset_id = ANY($1::uuid[]) AND stage = 'metadata'`,
        [ids],
      );
      rounds.push({
        bare: bare.rate,
        bareCores: bare.cores,
        upload: N / uploadSeconds,
        uploadMBps: uploadedBytes / 1e6 / uploadSeconds,
        metadata: N / ((stageRows[0]!.last.getTime() - pipelineStarted) / 1000),
        pipeline: N / pipelineSeconds,
        pipelineCores,
        dbMsPerPhoto,
        cpuMsPerPhoto: (pipelineCores * pipelineSeconds * 1000) / N,
      });
      await Promise.all(files.map((file) => rm(file)));
      console.error(`round ${round + 1}: pipeline ${rounds.at(-1)!.pipeline.toFixed(2)} photos/s (db ${rounds.at(-1)!.dbMsPerPhoto.toFixed(0)} ms/photo), bare ${bare.rate.toFixed(2)} photos/s`);
    }
    await runtime.stop();
    const median = (pick: (r: (typeof rounds)[number]) => number) => {
      const sorted = rounds.map(pick).sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)]!;
    };
    const pipeline = median((r) => r.pipeline);
    const bare = { rate: median((r) => r.bare), cores: median((r) => r.bareCores) };
    const pipelineCores = median((r) => r.pipelineCores);

    const server = await measureServerProcess(work);
    const result = {
      bench: 'ingest',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, sharpConcurrency: sharp.concurrency() },
      photos: N,
      rounds: ROUNDS,
      perRound: rounds,
      photoSize: '4000x3000 JPEG q90, ~3 MB (iphone_hdr_YES.jpg + grain)',
      workers: { metadata: config.workers.metadata, thumbnail: config.workers.thumbnail, bareSharpLoop: CONCURRENCY },
      upload: { photosPerSecond: median((r) => r.upload), megabytesPerSecond: median((r) => r.uploadMBps) },
      metadata: { photosPerSecond: median((r) => r.metadata) },
      metadataAndThumbnails: {
        photosPerSecond: pipeline,
        coresBusy: pipelineCores,
        cpuMsPerPhoto: median((r) => r.cpuMsPerPhoto),
        databaseThreadMsPerPhoto: median((r) => r.dbMsPerPhoto),
      },
      bareSharpLoop: { photosPerSecond: bare.rate, coresBusy: bare.cores },
      ratioToBareSharp: median((r) => r.pipeline / r.bare),
      createUpload: { ...server.createUpload, warmUpRequests: WARM_UP_PER_CLIENT * 10 },
      rss: { serverIdleMB: server.idleRssMB, serverAfterLatencyRunMB: server.busyRssMB, benchProcessPeakMB: mb(peakRss) },
      targets: { photosPerSecond: 7, ratioToBareSharp: 0.8, idleRssMB: 500, createUploadP95Ms: 15 },
    };
    const round = (n: number) => Math.round(n * 100) / 100;
    const table = [
      `# Ingest bench — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, ${N} × 12 MP JPEG, median of ${ROUNDS} interleaved rounds`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| upload (presigned PUT, 4 at a time) | ${round(result.upload.photosPerSecond)} photos/s, ${round(result.upload.megabytesPerSecond)} MB/s | |`,
      `| metadata stage | ${round(result.metadata.photosPerSecond)} photos/s | |`,
      `| metadata + thumbnails | ${round(pipeline)} photos/s (${round(pipelineCores)} cores busy) | ≥ 7 |`,
      `| CPU per photo in the pipeline, of which the database thread | ${Math.round(result.metadataAndThumbnails.cpuMsPerPhoto)} ms, ${Math.round(result.metadataAndThumbnails.databaseThreadMsPerPhoto)} ms | |`,
      `| bare sharp loop, same outputs | ${round(bare.rate)} photos/s (${round(bare.cores)} cores busy) | |`,
      `| pipeline ÷ bare sharp | ${round(result.ratioToBareSharp)} | ≥ 0.8 |`,
      `| create-upload p50 / p95 (10 clients, after ${WARM_UP_PER_CLIENT * 10} warm-up requests) | ${round(result.createUpload.p50Ms)} / ${round(result.createUpload.p95Ms)} ms | p95 < 15 ms |`,
      `| server RSS idle (npm start, own process) | ${result.rss.serverIdleMB} MB | < 500 MB |`,
      `| server RSS after the latency run | ${result.rss.serverAfterLatencyRunMB} MB | |`,
      `| bench process peak RSS (runtime + bench, ingest) | ${result.rss.benchProcessPeakMB} MB | |`,
    ].join('\n');
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    await writeFile(path.join(root, 'bench/results/ingest.json'), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(path.join(root, 'bench/results/ingest.md'), `${table}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`\n${table}`);
  } finally {
    clearInterval(sampler);
    await rm(work, { recursive: true, force: true });
  }
}

await main();
