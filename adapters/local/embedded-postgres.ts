import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
  /** Milliseconds the database thread has spent working (not waiting) since it started. */
  busyMs(): number;
  stop(): Promise<void>;
}

const workerFile = fileURLToPath(new URL('./embedded-postgres-worker.mjs', import.meta.url));

function startWorker(data: { dataDir: string; sharedBuffers: string; initOnly?: boolean; socketDir?: string }): Worker {
  return new Worker(workerFile, { workerData: data, execArgv: [] });
}

async function firstMessage(worker: Worker): Promise<{ type: string; address: string }> {
  const [message] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [
    { type: string; address: string },
  ];
  return message;
}

/**
 * PGlite (Postgres + pgvector in WASM) on disk, in its own thread, served on a loopback
 * port so the app talks to it with the same `pg` driver it uses for a real Postgres.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; sharedBuffers: string }): Promise<EmbeddedPostgres> {
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) {
    // A new cluster is created in a thread of its own, which then ends: initdb's memory
    // goes with it instead of staying in the server for good.
    const initialiser = startWorker({ ...opts, initOnly: true });
    const exited = once(initialiser, 'exit');
    await firstMessage(initialiser);
    await exited;
  }
  const socketDir = process.platform === 'win32' ? undefined : await mkdtemp(path.join(os.tmpdir(), 'shoebox-pg-'));
  const worker = startWorker({ ...opts, socketDir });
  const message = await firstMessage(worker);
  if (message.type !== 'listening') throw new Error(`embedded Postgres did not start: ${JSON.stringify(message)}`);
  return {
    url: socketDir
      ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}&sslmode=disable`
      : `postgres://postgres@${message.address}/postgres?sslmode=disable`,
    busyMs: () => worker.performance.eventLoopUtilization().active,
    async stop() {
      worker.postMessage({ type: 'stop' });
      await Promise.race([once(worker, 'message'), once(worker, 'exit')]);
      await worker.terminate();
      if (socketDir) await rm(socketDir, { recursive: true, force: true });
    },
  };
}
