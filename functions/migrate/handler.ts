import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { dataApiDatabase } from '../../adapters/aws/data-api-database.js';
import { listMigrations, migrate } from '../../core/db/migrate.js';

const Properties = z.object({
  ResourceArn: z.string(),
  SecretArn: z.string(),
  Database: z.string(),
  /** Changes with the migrations' content, so a deploy with new migrations runs them. */
  MigrationsHash: z.string(),
});

// The bundle carries the SQL files in ./migrations beside this file (see infra).
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * CloudFormation custom resource: the same migrations the local runtime applies, through
 * the RDS Data API, on create and update; nothing is dropped on delete.
 */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const props = Properties.parse(event.ResourceProperties);
  const db = dataApiDatabase({ client: new RDSDataClient({}), resourceArn: props.ResourceArn, secretArn: props.SecretArn, database: props.Database });
  const applied = await migrate(db, await listMigrations(migrationsDir));
  return { PhysicalResourceId: `shoebox-migrations-${props.Database}`, Data: { Applied: applied.join(',') } };
};
