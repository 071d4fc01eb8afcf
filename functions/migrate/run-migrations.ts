import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { Migration } from '../../core/db/migrate.js';
import { splitStatements } from '../../core/db/split-statements.js';

export interface DataApiTarget {
  client: RDSDataClient;
  resourceArn: string;
  secretArn: string;
  database: string;
}

/**
 * The same numbered migrations the local runtime applies, run through the RDS Data API
 * (so this deploy-time function needs no VPC), then the app's IAM login role and grants.
 * Each migration is one transaction; applied ones are skipped, so re-running is safe.
 */
export async function runMigrations(target: DataApiTarget, migrations: Migration[], appUser: string): Promise<string[]> {
  const run = (sql: string, transactionId?: string, parameters?: SqlParameter[]) =>
    target.client.send(
      new ExecuteStatementCommand({
        resourceArn: target.resourceArn,
        secretArn: target.secretArn,
        database: target.database,
        sql,
        transactionId,
        parameters,
      }),
    );
  await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const existing = await run('SELECT version FROM schema_migrations');
  const applied = new Set((existing.records ?? []).map((record) => Number(record[0]?.longValue)));
  const names: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const { transactionId } = await target.client.send(
      new BeginTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, database: target.database }),
    );
    try {
      for (const statement of splitStatements(migration.sql)) await run(statement, transactionId);
      await run('INSERT INTO schema_migrations (version, name) VALUES (:version, :name)', transactionId, [
        { name: 'version', value: { longValue: migration.version } },
        { name: 'name', value: { stringValue: migration.name } },
      ]);
      await target.client.send(new CommitTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId }));
    } catch (error) {
      await target.client.send(new RollbackTransactionCommand({ resourceArn: target.resourceArn, secretArn: target.secretArn, transactionId }));
      throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
    }
    names.push(migration.name);
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(appUser)) throw new Error(`invalid database user name ${appUser}`);
  for (const statement of [
    `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${appUser}') THEN CREATE ROLE ${appUser} LOGIN; END IF; END $$`,
    `GRANT rds_iam TO ${appUser}`,
    `GRANT USAGE ON SCHEMA public TO ${appUser}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appUser}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appUser}`,
  ]) {
    await run(statement);
  }
  return names;
}
