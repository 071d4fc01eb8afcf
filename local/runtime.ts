import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { Hono } from 'hono';
import { createPorts, type RuntimePorts } from '../adapters/create-ports.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../adapters/local/embedded-postgres.js';
import type { Config } from '../core/config.js';
import { migrate } from '../core/db/migrate.js';
import type { Logger } from '../core/ports/logger.js';
import { queueHandler } from '../core/runtime/queue-handler.js';
import { objectCreatedMessage } from '../core/s3-event.js';
import { createServerApp } from '../functions/api/app.js';
import { metadataStage } from '../functions/metadata/stage.js';
import { thumbnailStage } from '../functions/thumbnail/stage.js';
import { libraryStage } from '../functions/library-scan/stage.js';
import { runDueDailyJobs } from '../functions/scheduled/daily-jobs.js';
import { transcodeStage } from '../functions/transcode/stage.js';
import { embedStage } from '../functions/embed/stage.js';
import { duplicatesStage } from '../functions/duplicates/stage.js';
import { facesStage } from '../functions/faces/stage.js';
import { checkVideoTools } from '../core/media/ffmpeg.js';
import { sweepExpiredUploads } from '../functions/upload/sweep-expired-uploads.js';
import { siteRoutes } from './site-routes.js';
import { resumeWaitingMlJobs } from '../core/ml/requeue-ml-jobs.js';
import { fetchPack, stageModelPresent } from '../core/ml/loaded-models.js';
import { readMlSettings } from '../core/ml/ml-settings.js';
import { FsObjectStore } from '../adapters/local/fs-object-store.js';
import { PostgresKeyValueStore } from '../adapters/local/postgres-key-value-store.js';
import { PostgresQueue } from '../adapters/local/postgres-queue.js';
import type { QueueName } from '../core/ports/queue.js';
import { blobRoutes } from './blob-routes.js';
import { lockDataFolder } from './data-folder-lock.js';
import { startLiveUpdates } from './live-updates.js';
import { securityHeaders } from './security-headers.js';
import { startQueueWorker, type QueueWorker } from './queue-worker.js';
import { UploadActivity } from './upload-activity.js';

export interface LocalRuntime {
  url: string;
  port: number;
  ports: RuntimePorts;
  /** The embedded database, when DATABASE_URL is not set. */
  embedded: EmbeddedPostgres | undefined;
  /** Starts the queue workers (already running unless config.workers.enabled is false). */
  startWorkers(): void;
  /** Stops the queue workers after the jobs in hand (messages stay queued). */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Shoebox on one machine: the database (embedded PGlite unless DATABASE_URL), the API and
 * signed blob URLs on one HTTP port, and worker loops feeding the Lambda-shaped handlers.
 */
export async function startLocalRuntime(config: Config, logger: Logger, clients: { rdsData?: RDSDataClient } = {}): Promise<LocalRuntime> {
  await mkdir(config.dataDir, { recursive: true });
  const lock = await lockDataFolder(config.dataDir, 'The Shoebox server');
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl && !config.dataApi) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'db'), sharedBuffers: config.pgliteSharedBuffers });
    databaseUrl = embedded.url;
  }

  // Listen first: signed URLs need the real port when the configured one is 0.
  let app: Hono | undefined;
  // The Node bindings (env) go through: request-origin.ts reads the peer address from them.
  const server = await listen(config, (request, env) =>
    app ? app.fetch(request, env) : Response.json({ message: 'Starting up' }, { status: 503, headers: { 'retry-after': '1' } }),
  );
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;

  // Signed blob URLs are relative unless SHOEBOX_PUBLIC_URL says where clients reach us: the API
  // makes them absolute from each request's own Host (core/http/request-origin.ts).
  const ports = await createPorts(config, { databaseUrl, publicUrl: config.publicUrl ?? '', logger, rdsData: clients.rdsData });
  const applied = await migrate(ports.db);
  if (applied.length) logger.info('migrations applied', { applied });

  const root = new Hono();
  root.use(securityHeaders());
  const uploads = new UploadActivity();
  root.use(uploads.middleware);
  // Before the site: /share/{key} and /.well-known are the server's, not pages.
  const serverApp = createServerApp(ports);
  root.route('/', serverApp);
  const site = path.resolve(import.meta.dirname, '../site/dist');
  if (existsSync(path.join(site, 'index.html'))) root.route('/', siteRoutes(site, pageOrigins(config)));
  else root.get('/', (c) => c.html(LANDING_PAGE));
  if (ports.store instanceof FsObjectStore) {
    // What an S3 bucket notification does: every new original becomes a metadata message.
    ports.store.onObjectCreated = (key, info) => ports.queue.send('metadata', [objectCreatedMessage(config.bucket, key, info)]);
    root.route('/', blobRoutes(ports.store));
  }
  app = root;
  const live = startLiveUpdates(server as HttpServer, ports);

  const workers: QueueWorker[] = [];
  const startWorkers = () => {
    if (workers.length > 0) return;
    workers.push(
      worker(ports, uploads, 'metadata', queueHandler(metadataStage, ports), config.workers.metadata),
      worker(ports, uploads, 'thumbnail', queueHandler(thumbnailStage, ports), config.workers.thumbnail),
      worker(ports, uploads, 'transcode', queueHandler(transcodeStage, ports), config.workers.transcode),
      worker(ports, uploads, 'library', queueHandler(libraryStage, ports), 1),
      // onnxruntime uses every core per inference: one job at a time each.
      worker(ports, uploads, 'embed', queueHandler(embedStage, ports), config.ml.workers),
      worker(ports, uploads, 'faces', queueHandler(facesStage, ports), config.ml.workers),
      // One at a time: detection holds its owner's lock, and costs one vector query.
      worker(ports, uploads, 'duplicates', queueHandler(duplicatesStage, ports), 1),
    );
  };
  if (config.workers.enabled) {
    startWorkers();
    if (config.ml.downloadAtStart) {
      // In the background: the ML stages mark assets waiting until the packs are in, then resume.
      const settings = await readMlSettings(ports.db, config);
      void fetchPack(ports, 'clip', settings.clip.modelName).catch(() => undefined);
      void fetchPack(ports, 'facial-recognition', settings.facialRecognition.modelName).catch(() => undefined);
    }
    // Said once at start: without these, videos are stored but get no poster or playable copy.
    void checkVideoTools().then((problems) => problems.length && logger.warn('video processing is limited', { problems }));
  }
  const sweeper = setInterval(() => {
    void sweep(ports).catch((error: Error) => logger.error('sweep failed', { error: error.message }));
  }, config.sweepIntervalSeconds * 1000);
  sweeper.unref();

  logger.info('Shoebox is running', { url, dataDir: config.dataDir, database: embedded ? 'embedded' : 'external' });
  return {
    url,
    port,
    ports,
    embedded,
    startWorkers,
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    async stop() {
      clearInterval(sweeper);
      await live.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive connections are held open for the proxies (see listen); a stop should
        // not wait out their timeout. Requests in flight get a moment to finish.
        if ('closeIdleConnections' in server) {
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 3000).unref();
        }
      });
      await Promise.all(workers.map((w) => w.stop()));
      await ports.close();
      await embedded?.stop();
      await lock.release();
    },
  };
}

// Until the web app (site/) is served here, say what is running and how to use it.
const LANDING_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Shoebox</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Shoebox is running</h1>
<p>The API is at <a href="/api/server/ping">/api</a> and speaks Immich's API, so the Immich CLI works:
<code>immich login http://this-host:2283/api YOUR_API_KEY</code>.</p>
<p>The API description is at <a href="/api/spec.json">/api/spec.json</a>. The web app is not built here: run <code>npm run build:site</code>.</p>
</body></html>`;

/** Origins other than this one that the web app loads from: presigned S3 media, the map's tiles. */
function pageOrigins(config: Config): string[] {
  return [config.aws.s3Endpoint, config.mapTileUrl]
    .flatMap((url) => (url ? [/^https?:\/\/[^/]+/.exec(url)?.[0]] : []))
    .flatMap((origin) => (origin ? [origin.replace(/\{s\}/g, '*').replace(/\{[^}]*\}/g, '*')] : []));
}

async function sweep(ports: RuntimePorts): Promise<void> {
  await sweepExpiredUploads(ports);
  const done = await runDueDailyJobs(ports);
  if (Object.keys(done).length) ports.logger.info('daily jobs ran', done);
  const resumed = await resumeWaitingMlJobs(ports, (stage) => stageModelPresent(ports.db, ports.config, stage));
  if (Object.keys(resumed).length) ports.logger.info('models arrived: queued the assets waiting for them', resumed);
  // DynamoDB removes expired items by itself (TTL); the table needs sweeping.
  if (ports.kv instanceof PostgresKeyValueStore) await ports.kv.sweepExpired();
}

function worker(ports: RuntimePorts, uploads: UploadActivity, name: QueueName, handler: ReturnType<typeof queueHandler>, concurrency: number) {
  return startQueueWorker({
    // Receiving comes first (local/upload-activity.ts).
    slotsNow: () => uploads.slotsFor(name, concurrency),
    queue: ports.queue,
    wake: ports.queue instanceof PostgresQueue ? ports.queue.sent : undefined,
    name,
    handler,
    concurrency,
    visibilityTimeoutSeconds: ports.config.visibilityTimeoutSeconds,
    retryBaseSeconds: ports.config.retryBaseSeconds,
    logger: ports.logger,
  });
}

const KEEP_ALIVE_MS = 150_000;

function listen(config: Config, fetch: (request: Request, env: unknown) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    // A reverse proxy keeps idle connections to us open and reuses them (Caddy for 2 minutes).
    // Closing one first (Node's default is 5 s) races with the proxy sending the next request on
    // it, and an upload the proxy has started to stream cannot be retried: the client gets a 502.
    // So the proxy, not us, is the one to close idle connections.
    if ('keepAliveTimeout' in server) {
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      server.headersTimeout = KEEP_ALIVE_MS + 1000;
    }
    server.once('error', reject);
  });
}
