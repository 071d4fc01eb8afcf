import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaPath, sha1Hex } from './media-samples.js';
import { startServerProcess } from './server-process.js';
import { apiClient, waitFor } from './test-runtime.js';

const SERVER_ENV = { SHOEBOX_VISIBILITY_TIMEOUT: '3', SHOEBOX_RETRY_BASE_SECONDS: '1', SHOEBOX_THUMBNAIL_WORKERS: '1' };

describe('a worker killed mid-job', () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing: the job is redelivered after its visibility timeout and completes once', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-kill-'));
    const first = await startServerProcess(dataDir, SERVER_ENV);
    children.push(first.child);
    const api = apiClient(first.url);
    const admin = await api.signUpAdmin();

    // Big enough that a thumbnail takes a while, so one is surely in flight when we kill.
    const source = sharp(mediaPath('exifr__canon-dslr.jpg'));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const bytes = await source.clone().modulate({ brightness: 1 + i / 20 }).png({ compressionLevel: 1 }).toBuffer();
      const ticket = await api.call<{ id: string; upload: { url: string } }>('POST', '/uploads', {
        key: admin.apiKey,
        body: { fileName: `big-${i}.png`, size: bytes.length, checksum: sha1Hex(bytes) },
      });
      expect(ticket.status).toBe(201);
      expect((await fetch(ticket.body.upload.url, { method: 'PUT', body: bytes })).status).toBe(200);
      ids.push(ticket.body.id);
    }
    await waitFor(async () => {
      const jobs = await api.call<Record<string, { jobCounts: { active: number } }>>('GET', '/jobs', { key: admin.apiKey });
      return jobs.body.thumbnail!.jobCounts.active > 0 || undefined;
    }, 'a thumbnail job to be in flight');
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    // The same data and port: signed URLs and the api client stay valid.
    children.push((await startServerProcess(dataDir, SERVER_ENV, first.port)).child);
    for (const id of ids) {
      const asset = await waitFor(async () => {
        const { body } = await api.call<{ status: string }>('GET', `/assets/${id}`, { key: admin.apiKey });
        return body.status === 'ready' || body.status === 'failed' ? body : undefined;
      }, `asset ${id} to be processed after the restart`, 90_000);
      expect(asset.status).toBe('ready');
    }
    // An asset reads ready a moment before its job's message is deleted (the stage still queues the ML stages).
    const settled = await waitFor(async () => {
      const jobs = await api.call<Record<string, { jobCounts: { active: number; waiting: number; failed: number } }>>('GET', '/jobs', { key: admin.apiKey });
      const counts = ['metadata', 'thumbnail'].map((queue) => jobs.body[queue]!.jobCounts);
      return counts.every((c) => c.active === 0 && c.waiting === 0) ? counts : undefined;
    }, 'the queues to settle');
    for (const counts of settled) expect(counts).toMatchObject({ active: 0, waiting: 0, failed: 0 });
    // Exactly one thumbnail and one preview per asset: nothing doubled, nothing missing.
    const derived = await readdir(path.join(dataDir, 'store/objects/derived'), { recursive: true });
    expect(derived.filter((f) => /-(thumbnail\.webp|preview\.jpeg)$/.test(String(f))).length).toBe(ids.length * 2);
  }, 180_000);
});
