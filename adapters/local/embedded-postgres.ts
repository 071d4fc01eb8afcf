import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
  /** Milliseconds the database thread has spent working (not waiting) since it started. */
  busyMs(): number;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres + pgvector in WASM) on disk, in its own thread, served on a loopback
 * port so the app talks to it with the same `pg` driver it uses for a real Postgres.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; sharedBuffers: string }): Promise<EmbeddedPostgres> {
  const worker = new Worker(fileURLToPath(new URL('./embedded-postgres-worker.mjs', import.meta.url)), { workerData: opts, execArgv: [] });
  const [message] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [
    { type: string; address: string },
  ];
  if (message.type !== 'listening') throw new Error(`embedded Postgres did not start: ${JSON.stringify(message)}`);
  return {
    url: `postgres://postgres@${message.address}/postgres?sslmode=disable`,
    busyMs: () => worker.performance.eventLoopUtilization().active,
    async stop() {
      worker.postMessage({ type: 'stop' });
      await Promise.race([once(worker, 'message'), once(worker, 'exit')]);
      await worker.terminate();
    },
  };
}
