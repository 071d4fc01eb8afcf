import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const MiB = 1024 * 1024;

/** Every setting Shoebox reads from the environment, parsed once at start-up. */
export const ConfigSchema = z.object({
  SHOEBOX_PORT: z.coerce.number().int().min(0).max(65535).default(2283),
  SHOEBOX_HOST: z.string().default('0.0.0.0'),
  SHOEBOX_DATA: z.string().default('data'),
  /**
   * Base URL that clients use to reach this server. When unset, absolute URLs (signed upload
   * URLs) are built from each request's own Host, so every device reaches it by its own name.
   */
  SHOEBOX_PUBLIC_URL: z.url().optional(),
  /**
   * Reverse proxies whose X-Forwarded-Proto/-Host/-Prefix are believed: comma-separated
   * addresses or CIDR ranges, `loopback` (the default: a proxy on this machine) or `none`.
   */
  SHOEBOX_TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .refine((value) => value.split(',').map((e) => e.trim()).filter(Boolean).every(isProxyEntry), 'addresses or CIDR ranges (a.b.c.d/n), `loopback` or `none`, comma-separated'),
  /**
   * Whether media answers redirect to the object store's own presigned URL instead of sending
   * the bytes: by default only on real S3 (no S3_ENDPOINT), which every client can reach.
   */
  SHOEBOX_MEDIA_REDIRECTS: z.enum(['true', 'false']).optional(),
  /** HMAC key for signed blob URLs; generated and kept in the data folder when unset. */
  SHOEBOX_SECRET: z.string().min(32).optional(),
  /** A real Postgres with pgvector; when unset the embedded PGlite database is used. */
  DATABASE_URL: z.string().optional(),
  SHOEBOX_DB_POOL_MAX: z.coerce.number().int().positive().optional(),
  SHOEBOX_PGLITE_SHARED_BUFFERS: z.string().regex(/^\d+(kB|MB|GB)$/).default('32MB'),
  SHOEBOX_UPLOAD_URL_TTL: seconds(3600),
  SHOEBOX_UPLOAD_SESSION_TTL: seconds(24 * 3600),
  SHOEBOX_DOWNLOAD_URL_TTL: seconds(3600),
  SHOEBOX_PART_SIZE: z.coerce.number().int().min(5 * MiB).default(16 * MiB),
  SHOEBOX_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(50 * 1024 * MiB),
  SHOEBOX_MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(16384 * 16384),
  SHOEBOX_MAX_RECEIVES: z.coerce.number().int().positive().default(5),
  SHOEBOX_VISIBILITY_TIMEOUT: seconds(120),
  SHOEBOX_RETRY_BASE_SECONDS: seconds(10),
  SHOEBOX_SWEEP_INTERVAL: seconds(60),
  /** Videos browsers cannot play are converted to H.264 MP4 with this shorter side (no upscaling). */
  SHOEBOX_TRANSCODE_HEIGHT: z.coerce.number().int().min(144).max(4320).default(720),
  SHOEBOX_TRANSCODE_WORKERS: z.coerce.number().int().positive().default(1),
  /** Days an asset stays in the trash before it is deleted for good. */
  SHOEBOX_TRASH_DAYS: z.coerce.number().int().min(0).default(30),
  /** Days a deleted user can be restored before their files are removed. */
  SHOEBOX_USER_DELETE_DAYS: z.coerce.number().int().min(0).default(7),
  /** A nightly dump of the database into <data>/backups (Immich's database backup); 'false' turns it off. */
  SHOEBOX_BACKUPS: z.enum(['true', 'false']).default('true'),
  /** How many nightly dumps are kept (Immich's keepLastAmount). */
  SHOEBOX_BACKUP_KEEP: z.coerce.number().int().min(1).default(14),
  /** From which hour (the server's local time) the nightly dump runs, once a day. */
  SHOEBOX_BACKUP_HOUR: z.coerce.number().int().min(0).max(23).default(2),
  /** 'false' serves the API only (workers run elsewhere, or are started later). */
  SHOEBOX_WORKERS: z.enum(['true', 'false']).default('true'),
  SHOEBOX_METADATA_WORKERS: z.coerce.number().int().positive().default(2),
  // sharp runs one thread per image; four in flight keep two cores busy while others wait on I/O.
  SHOEBOX_THUMBNAIL_WORKERS: z.coerce.number().int().positive().default(4),
  /** Bucket name in object-created events; the S3 bucket on AWS. */
  SHOEBOX_BUCKET: z.string().default('shoebox'),
  /** Derived files' bucket on S3; the originals' bucket when unset. */
  SHOEBOX_DERIVED_BUCKET: z.string().optional(),
  /** Connect to DATABASE_URL with an IAM token instead of a password (RDS/Aurora over the network). */
  DATABASE_IAM_AUTH: z.enum(['true', 'false']).default('false'),
  /** Aurora through the RDS Data API (HTTPS, no VPC): the cluster ARN, its secret, the database. */
  DATABASE_DATA_API_ARN: z.string().optional(),
  DATABASE_SECRET_ARN: z.string().optional(),
  DATABASE_NAME: z.string().default('shoebox'),
  /** Where bytes, queues and idempotency records live: this machine, or AWS-compatible services. */
  SHOEBOX_STORE: z.enum(['local', 's3']).default('local'),
  SHOEBOX_QUEUE: z.enum(['postgres', 'sqs']).default('postgres'),
  SHOEBOX_KV: z.enum(['postgres', 'dynamodb']).default('postgres'),
  /** SQS queues are named <prefix><stage> and <prefix><stage>-dlq. */
  SHOEBOX_QUEUE_PREFIX: z.string().default('shoebox-'),
  SHOEBOX_KV_TABLE: z.string().default('shoebox-kv'),
  AWS_REGION: z.string().optional(),
  /** S3/SQS/DynamoDB-compatible endpoints (MinIO, ElasticMQ, LocalStack); unset means AWS itself. */
  S3_ENDPOINT: z.url().optional(),
  SQS_ENDPOINT: z.url().optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** The model cache, in Immich's layout: clip/<name>/…, facial-recognition/<name>/…; <data>/models when unset. */
  SHOEBOX_MODELS: z.string().optional(),
  /** Pack names; the admin's system-config (machineLearning.*.modelName) overrides them at run time. */
  SHOEBOX_CLIP_MODEL: z.string().regex(/^[\w.+-]+$/).default('ViT-B-32__openai'),
  SHOEBOX_FACE_MODEL: z.string().regex(/^[\w.+-]+$/).default('buffalo_l'),
  /** Where `npm run models` fetches packs: an https mirror in the cache's layout, a folder, or s3://bucket/prefix. */
  SHOEBOX_MODEL_SOURCE: z.string().default('https://huggingface.co/immich-app'),
  /** Download the configured packs at start-up when missing (`npm start` on a machine with internet). */
  SHOEBOX_MODEL_DOWNLOAD: z.enum(['true', 'false']).default('false'),
  /** onnxruntime threads per session; one per core by default (Lambda: its vCPUs). */
  SHOEBOX_ML_THREADS: z.coerce.number().int().positive().optional(),
  SHOEBOX_ML_WORKERS: z.coerce.number().int().positive().default(1),
  /** Raster tiles for the web app's map ({z}/{x}/{y}); unset, it draws a bundled world outline and needs no network. */
  SHOEBOX_MAP_TILE_URL: z.string().regex(/\{z\}.*\{x\}.*\{y\}/, 'a tile URL with {z}, {x} and {y}').optional(),
  /** The Immich phone app's map styles (MapLibre style JSON, fetched by the phone); Immich's own by default, '' for none. */
  SHOEBOX_MAP_LIGHT_STYLE_URL: z.union([z.url(), z.literal('')]).default('https://tiles.immich.cloud/v1/style/light.json'),
  SHOEBOX_MAP_DARK_STYLE_URL: z.union([z.url(), z.literal('')]).default('https://tiles.immich.cloud/v1/style/dark.json'),
  SHOEBOX_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
});

/** One SHOEBOX_TRUSTED_PROXIES entry: `loopback`, `none`, an address, or an address/prefix-length. */
function isProxyEntry(entry: string): boolean {
  if (entry === 'loopback' || entry === 'none') return true;
  const [ip, bits, extra] = entry.split('/');
  const family = isIP(ip ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicUrl: string | undefined;
  trustedProxies: string[];
  mediaRedirects: boolean;
  secret: string | undefined;
  databaseUrl: string | undefined;
  dbPoolMax: number;
  pgliteSharedBuffers: string;
  uploadUrlTtlSeconds: number;
  uploadSessionTtlSeconds: number;
  downloadUrlTtlSeconds: number;
  partSize: number;
  maxUploadBytes: number;
  maxImagePixels: number;
  maxReceives: number;
  visibilityTimeoutSeconds: number;
  retryBaseSeconds: number;
  sweepIntervalSeconds: number;
  transcodeHeight: number;
  trashDays: number;
  userDeleteDays: number;
  backups: { nightly: boolean; keep: number; hour: number };
  workers: { enabled: boolean; metadata: number; thumbnail: number; transcode: number };
  bucket: string;
  derivedBucket: string;
  databaseIamAuth: boolean;
  dataApi: { resourceArn: string; secretArn: string; database: string } | undefined;
  store: 'local' | 's3';
  queue: 'postgres' | 'sqs';
  kv: 'postgres' | 'dynamodb';
  queuePrefix: string;
  kvTable: string;
  aws: { region: string | undefined; s3Endpoint: string | undefined; sqsEndpoint: string | undefined; dynamoDbEndpoint: string | undefined };
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  mapTileUrl: string | undefined;
  mapStyleUrls: { light: string; dark: string };
  ml: { modelsDir: string; clipModel: string; faceModel: string; source: string; downloadAtStart: boolean; threads: number | undefined; workers: number };
}

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    port: e.SHOEBOX_PORT,
    host: e.SHOEBOX_HOST,
    dataDir: path.resolve(e.SHOEBOX_DATA),
    publicUrl: e.SHOEBOX_PUBLIC_URL?.replace(/\/$/, ''),
    trustedProxies: e.SHOEBOX_TRUSTED_PROXIES.split(',').map((entry) => entry.trim()).filter(Boolean),
    mediaRedirects: e.SHOEBOX_MEDIA_REDIRECTS ? e.SHOEBOX_MEDIA_REDIRECTS === 'true' : e.SHOEBOX_STORE === 's3' && !e.S3_ENDPOINT,
    secret: e.SHOEBOX_SECRET,
    databaseUrl: e.DATABASE_URL,
    // PGlite has one backend shared by every socket connection: a second connection would
    // interleave with an open transaction, so the embedded database gets exactly one.
    dbPoolMax: e.SHOEBOX_DB_POOL_MAX ?? (e.DATABASE_URL ? 10 : 1),
    pgliteSharedBuffers: e.SHOEBOX_PGLITE_SHARED_BUFFERS,
    uploadUrlTtlSeconds: e.SHOEBOX_UPLOAD_URL_TTL,
    uploadSessionTtlSeconds: e.SHOEBOX_UPLOAD_SESSION_TTL,
    downloadUrlTtlSeconds: e.SHOEBOX_DOWNLOAD_URL_TTL,
    partSize: e.SHOEBOX_PART_SIZE,
    maxUploadBytes: e.SHOEBOX_MAX_UPLOAD_BYTES,
    maxImagePixels: e.SHOEBOX_MAX_IMAGE_PIXELS,
    maxReceives: e.SHOEBOX_MAX_RECEIVES,
    visibilityTimeoutSeconds: e.SHOEBOX_VISIBILITY_TIMEOUT,
    retryBaseSeconds: e.SHOEBOX_RETRY_BASE_SECONDS,
    sweepIntervalSeconds: e.SHOEBOX_SWEEP_INTERVAL,
    transcodeHeight: e.SHOEBOX_TRANSCODE_HEIGHT,
    trashDays: e.SHOEBOX_TRASH_DAYS,
    userDeleteDays: e.SHOEBOX_USER_DELETE_DAYS,
    backups: { nightly: e.SHOEBOX_BACKUPS === 'true', keep: e.SHOEBOX_BACKUP_KEEP, hour: e.SHOEBOX_BACKUP_HOUR },
    mapTileUrl: e.SHOEBOX_MAP_TILE_URL,
    mapStyleUrls: { light: e.SHOEBOX_MAP_LIGHT_STYLE_URL, dark: e.SHOEBOX_MAP_DARK_STYLE_URL },
    ml: {
      modelsDir: path.resolve(e.SHOEBOX_MODELS ?? path.join(e.SHOEBOX_DATA, 'models')),
      clipModel: e.SHOEBOX_CLIP_MODEL,
      faceModel: e.SHOEBOX_FACE_MODEL,
      source: e.SHOEBOX_MODEL_SOURCE,
      downloadAtStart: e.SHOEBOX_MODEL_DOWNLOAD === 'true',
      threads: e.SHOEBOX_ML_THREADS,
      workers: e.SHOEBOX_ML_WORKERS,
    },
    workers: { enabled: e.SHOEBOX_WORKERS === 'true', metadata: e.SHOEBOX_METADATA_WORKERS, thumbnail: e.SHOEBOX_THUMBNAIL_WORKERS, transcode: e.SHOEBOX_TRANSCODE_WORKERS },
    bucket: e.SHOEBOX_BUCKET,
    derivedBucket: e.SHOEBOX_DERIVED_BUCKET ?? e.SHOEBOX_BUCKET,
    databaseIamAuth: e.DATABASE_IAM_AUTH === 'true',
    dataApi:
      e.DATABASE_DATA_API_ARN && e.DATABASE_SECRET_ARN
        ? { resourceArn: e.DATABASE_DATA_API_ARN, secretArn: e.DATABASE_SECRET_ARN, database: e.DATABASE_NAME }
        : undefined,
    store: e.SHOEBOX_STORE,
    queue: e.SHOEBOX_QUEUE,
    kv: e.SHOEBOX_KV,
    queuePrefix: e.SHOEBOX_QUEUE_PREFIX,
    kvTable: e.SHOEBOX_KV_TABLE,
    aws: { region: e.AWS_REGION, s3Endpoint: e.S3_ENDPOINT, sqsEndpoint: e.SQS_ENDPOINT, dynamoDbEndpoint: e.DYNAMODB_ENDPOINT },
    logLevel: e.SHOEBOX_LOG_LEVEL,
  };
}
