import { mkdir } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// Plain JavaScript on purpose: a worker thread's entry is loaded by Node itself, and Node 20
// will not run TypeScript there even when the parent runs under tsx.

/**
 * Runs in a worker thread: PGlite executes queries synchronously, so on the main thread
 * every query would stall HTTP and the pipeline. Here it gets a core of its own.
 */
/** @type {{ dataDir: string; sharedBuffers: string; initOnly?: boolean; socketDir?: string }} */
const { dataDir, sharedBuffers, initOnly, socketDir } = workerData;

await mkdir(dataDir, { recursive: true });
const db = await PGlite.create({
  dataDir,
  extensions: { vector },
  // PGlite's default buffers cost ~300 MB of RSS; a home library is served well by less.
  postgresqlconf: `shared_buffers=${sharedBuffers}`,
});
if (initOnly) {
  // Creating a cluster (initdb) leaves ~300 MB behind in this thread; the caller ends
  // the thread and serves from a fresh one.
  await db.close();
  parentPort.postMessage({ type: 'initialised' });
  process.exit(0);
}
// A Unix socket where there is one: cheaper per round trip than loopback TCP.
const server = socketDir
  ? new PGLiteSocketServer({ db, path: `${socketDir}/.s.PGSQL.5432`, maxConnections: 4 })
  : new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
await server.start();
parentPort.postMessage({ type: 'listening', address: server.getServerConn(), socketDir });
parentPort.on('message', async (message) => {
  if (message.type !== 'stop') return;
  await server.stop();
  await db.close();
  parentPort.postMessage({ type: 'stopped' });
});
