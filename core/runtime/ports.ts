import type { Config } from '../config.js';
import type { BackupFiles } from '../ports/backup-files.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../ports/database.js';
import type { KeyValueStore } from '../ports/key-value-store.js';
import type { LibraryFiles } from '../ports/library-files.js';
import type { Logger } from '../ports/logger.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { Queue } from '../ports/queue.js';

/** Everything a function may touch outside itself. Config picks the adapters; nothing else does. */
export interface Ports {
  config: Config;
  db: Database;
  store: ObjectStore;
  queue: Queue;
  kv: KeyValueStore;
  /** External libraries' files, read where they are. */
  libraryFiles: LibraryFiles;
  clock: Clock;
  logger: Logger;
  /** Database backups, where this runtime keeps them (a data folder); absent on AWS, where RDS snapshots are the backup. */
  backups?: BackupFiles;
}
