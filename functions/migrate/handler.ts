import { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { listMigrations } from '../../core/db/migrate.js';
import { runMigrations } from './run-migrations.js';

const Properties = z.object({
  ResourceArn: z.string(),
  SecretArn: z.string(),
  Database: z.string(),
  AppUser: z.string(),
  /** Changes with the migrations' content, so a deploy with new migrations runs them. */
  MigrationsHash: z.string(),
});

// The bundle carries the SQL files in ./migrations beside this file (see infra).
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** CloudFormation custom resource: apply migrations on create and update; never drop on delete. */
export const handler = async (event: CloudFormationCustomResourceEvent) => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const props = Properties.parse(event.ResourceProperties);
  const applied = await runMigrations(
    { client: new RDSDataClient({}), resourceArn: props.ResourceArn, secretArn: props.SecretArn, database: props.Database },
    await listMigrations(migrationsDir),
    props.AppUser,
  );
  return { PhysicalResourceId: `shoebox-migrations-${props.Database}`, Data: { Applied: applied.join(',') } };
};
