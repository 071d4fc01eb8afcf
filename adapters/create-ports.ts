import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { Config } from '../core/config.js';
import { connectDatabase } from '../core/db/connect.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import type { Database } from '../core/ports/database.js';
import type { Logger } from '../core/ports/logger.js';
import type { Ports } from '../core/runtime/ports.js';
import { FsBackupFiles } from './local/fs-backup-files.js';
import { FsLibraryFiles } from './local/fs-library-files.js';
import { FsObjectStore } from './local/fs-object-store.js';
import { PostgresKeyValueStore } from './local/postgres-key-value-store.js';
import { PostgresQueue } from './local/postgres-queue.js';

/** Ports, and how to let go of their connections. */
export interface RuntimePorts extends Ports {
  close(): Promise<void>;
}

/**
 * The one place that turns configuration into adapters: this machine's folder, queue table
 * and key-value table, or S3, SQS and DynamoDB (or anything that speaks their APIs).
 */
export async function createPorts(
  config: Config,
  opts: { databaseUrl?: string; publicUrl: string; logger: Logger; clock?: Clock; rdsData?: RDSDataClient },
): Promise<RuntimePorts> {
  const clock = opts.clock ?? systemClock;
  let db: Database;
  let closeDb: () => Promise<void>;
  // The AWS SDK is loaded only when an AWS-compatible service is configured: the embedded
  // runtime starts faster and smaller without it.
  const usesAws = config.dataApi || config.store === 's3' || config.queue === 'sqs' || config.kv === 'dynamodb';
  const aws = usesAws ? await import('./aws/index.js') : undefined;
  if (config.dataApi) {
    db = aws!.dataApiDatabase({ client: opts.rdsData ?? new aws!.RDSDataClient({ region: config.aws.region }), ...config.dataApi });
    closeDb = async () => undefined;
  } else {
    if (!opts.databaseUrl) throw new Error('No database: set DATABASE_URL, or DATABASE_DATA_API_ARN and DATABASE_SECRET_ARN');
    const pool = connectDatabase(opts.databaseUrl, {
      max: config.dbPoolMax,
      logger: opts.logger,
      iamAuthRegion: config.databaseIamAuth ? (config.aws.region ?? process.env.AWS_REGION ?? 'us-east-1') : undefined,
    });
    db = pool;
    closeDb = () => pool.end();
  }
  const clients = aws?.awsClients({
    region: config.aws.region,
    s3Endpoint: config.aws.s3Endpoint,
    sqsEndpoint: config.aws.sqsEndpoint,
    dynamoDbEndpoint: config.aws.dynamoDbEndpoint,
  });
  const store =
    config.store === 's3'
      ? new aws!.S3ObjectStore(clients!.s3, { originals: config.bucket, derived: config.derivedBucket })
      : new FsObjectStore({
          root: path.join(config.dataDir, 'store'),
          baseUrl: `${opts.publicUrl}/_blob`,
          secret: config.secret ?? (await persistentSecret(config.dataDir)),
          clock,
          notifyPrefixes: ['originals/'],
        });
  const kv = config.kv === 'dynamodb' ? new aws!.DynamoDbKeyValueStore(clients!.dynamo, config.kvTable) : new PostgresKeyValueStore(db);
  const queue = config.queue === 'sqs' ? new aws!.SqsQueue(clients!.sqs, config.queuePrefix, kv) : new PostgresQueue(db, config.maxReceives);
  // External libraries live where the originals do: folders beside a local store, S3 prefixes beside S3.
  const libraryFiles = config.store === 's3' ? new aws!.S3LibraryFiles(clients!.s3) : new FsLibraryFiles();
  const backups = config.store === 'local' ? new FsBackupFiles(path.join(config.dataDir, 'backups')) : undefined;
  return { config, db, store, queue, kv, libraryFiles, clock, logger: opts.logger, backups, close: closeDb };
}

/** A signing key made once per data folder, so URLs stay valid across restarts. */
async function persistentSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}
