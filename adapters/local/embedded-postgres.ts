import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the `pg` driver. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres + pgvector in WASM) on disk, served on a loopback port so the app talks
 * to it with the same `pg` driver it uses for a real Postgres.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; sharedBuffers: string }): Promise<EmbeddedPostgres> {
  await mkdir(opts.dataDir, { recursive: true });
  const db = await PGlite.create({
    dataDir: opts.dataDir,
    extensions: { vector },
    // PGlite's default buffers cost ~300 MB of RSS; a home library is served well by less.
    postgresqlconf: `shared_buffers=${opts.sharedBuffers}`,
  });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
