import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type Field,
  type RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The RDS Data API in front of a real Postgres, typed the way the Data API documents it:
 * a stringValue parameter is text unless its typeHint says UUID/TIMESTAMP/DATE/JSON/DECIMAL,
 * longValue is bigint, blobValue is bytea; results come back as typed Fields with column
 * metadata, timestamps as 'YYYY-MM-DD HH:MM:SS[.fff]' without zone. No emulator of the Data
 * API installs here, so this stands in for one; what it cannot show is Aurora's own quirks.
 */
export function rdsDataEmulator(url: string): { client: RDSDataClient; close(): Promise<void> } {
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    // Every value as Postgres prints it: the emulator encodes Fields from text, as the Data API does.
    types: { getTypeParser: () => (value: string) => value } as unknown as typeof pg.types,
  });
  const transactions = new Map<string, pg.PoolClient>();

  async function execute(input: ExecuteStatementCommand['input']) {
    const client = input.transactionId ? transactions.get(input.transactionId) : undefined;
    if (input.transactionId && !client) throw Object.assign(new Error('Transaction not found'), { name: 'BadRequestException' });
    const params = input.parameters ?? [];
    const sql = input.sql!.replace(/:(p\d+)\b/g, (_match, name: string) => {
      const index = params.findIndex((p) => p.name === name);
      if (index < 0) throw Object.assign(new Error(`missing parameter ${name}`), { name: 'BadRequestException' });
      return `$${index + 1}::${pgTypeOf(params[index]!)}`;
    });
    const values = params.map(valueOf);
    const runner = client ?? pool;
    await runner.query("SET TIME ZONE 'UTC'");
    const result = await runner.query({ text: sql, values, rowMode: 'array' });
    if (!result.fields?.length) return { numberOfRecordsUpdated: result.rowCount ?? 0 };
    return {
      columnMetadata: result.fields.map((f) => ({ name: f.name, label: f.name, typeName: typeNames[f.dataTypeID] ?? 'text' })),
      records: (result.rows as unknown[][]).map((row) => row.map((value, i) => toField(value as string | null, result.fields[i]!.dataTypeID))),
      numberOfRecordsUpdated: 0,
    };
  }

  const client = {
    async send(command: unknown) {
      if (command instanceof ExecuteStatementCommand) return execute(command.input);
      if (command instanceof BeginTransactionCommand) {
        const connection = await pool.connect();
        await connection.query('BEGIN');
        const transactionId = randomUUID();
        transactions.set(transactionId, connection);
        return { transactionId };
      }
      if (command instanceof CommitTransactionCommand || command instanceof RollbackTransactionCommand) {
        const connection = transactions.get(command.input.transactionId!);
        if (!connection) throw Object.assign(new Error('Transaction not found'), { name: 'NotFoundException' });
        transactions.delete(command.input.transactionId!);
        await connection.query(command instanceof CommitTransactionCommand ? 'COMMIT' : 'ROLLBACK');
        connection.release();
        return { transactionStatus: command instanceof CommitTransactionCommand ? 'Transaction Committed' : 'Rollback Complete' };
      }
      throw new Error(`the emulator does not speak ${(command as object).constructor.name}`);
    },
  } as unknown as RDSDataClient;
  return { client, close: () => pool.end() };
}

function pgTypeOf(p: SqlParameter): string {
  const v = p.value!;
  if (v.isNull) return 'unknown';
  if (v.blobValue !== undefined) return 'bytea';
  if (v.booleanValue !== undefined) return 'boolean';
  if (v.longValue !== undefined) return 'bigint';
  if (v.doubleValue !== undefined) return 'double precision';
  const hints: Record<string, string> = { UUID: 'uuid', TIMESTAMP: 'timestamp', DATE: 'date', TIME: 'time', JSON: 'json', DECIMAL: 'numeric' };
  return (p.typeHint && hints[p.typeHint]) || 'text';
}

function valueOf(p: SqlParameter): unknown {
  const v = p.value!;
  if (v.isNull) return null;
  if (v.blobValue !== undefined) return Buffer.from(v.blobValue);
  return v.booleanValue ?? v.longValue ?? v.doubleValue ?? v.stringValue;
}

const typeNames: Record<number, string> = {
  16: 'bool', 17: 'bytea', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 114: 'json', 700: 'float4', 701: 'float8',
  1009: '_text', 1043: 'varchar', 1114: 'timestamp', 1184: 'timestamptz', 1700: 'numeric', 2950: 'uuid', 3802: 'jsonb',
};

function toField(value: string | null, oid: number): Field {
  if (value === null) return { isNull: true };
  switch (typeNames[oid]) {
    case 'bool':
      return { booleanValue: value === 't' };
    case 'int2':
    case 'int4':
    case 'int8':
      return { longValue: Number(value) };
    case 'float4':
    case 'float8':
      return { doubleValue: Number(value) };
    case 'bytea':
      return { blobValue: Buffer.from(value.slice(2), 'hex') };
    case '_text':
      return { arrayValue: { stringValues: value.slice(1, -1).split(',').filter(Boolean).map((s) => s.replace(/^"|"$/g, '')) } };
    case 'timestamptz':
      return { stringValue: value.replace(/\+00(:00)?$/, '') };
    default:
      return { stringValue: value };
  }
}
