import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../core/config.js';
import { connectDatabase } from '../core/db/connect.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import type { Logger } from '../core/ports/logger.js';
import type { Ports } from '../core/runtime/ports.js';
import { FsObjectStore } from './local/fs-object-store.js';
import { PostgresKeyValueStore } from './local/postgres-key-value-store.js';
import { PostgresQueue } from './local/postgres-queue.js';

/** Ports plus the concrete local adapters the local runtime drives directly. */
export interface RuntimePorts extends Ports {
  db: pg.Pool;
  store: FsObjectStore;
  queue: PostgresQueue;
  kv: PostgresKeyValueStore;
}

/**
 * The one place that turns configuration into adapters. Today: the local folder store, the
 * Postgres queue and key-value table; the AWS adapters join here.
 */
export async function createPorts(
  config: Config,
  opts: { databaseUrl: string; publicUrl: string; logger: Logger; clock?: Clock },
): Promise<RuntimePorts> {
  const clock = opts.clock ?? systemClock;
  const db = connectDatabase(opts.databaseUrl, { max: config.dbPoolMax, logger: opts.logger });
  const store = new FsObjectStore({
    root: path.join(config.dataDir, 'store'),
    baseUrl: `${opts.publicUrl}/_blob`,
    secret: config.secret ?? (await persistentSecret(config.dataDir)),
    clock,
    notifyPrefixes: ['originals/'],
  });
  return {
    config,
    db,
    store,
    queue: new PostgresQueue(db, config.maxReceives),
    kv: new PostgresKeyValueStore(db),
    clock,
    logger: opts.logger,
  };
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
