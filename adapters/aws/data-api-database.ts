import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
  type ColumnMetadata,
  type Field,
  type RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import type { Database } from '../../core/ports/database.js';
import { splitStatements } from '../../core/db/split-statements.js';
import { wallClockText } from '../../core/db/wall-clock.js';

export interface DataApiTarget {
  client: RDSDataClient;
  resourceArn: string;
  secretArn: string;
  database: string;
}

type QueryConfig = string | { text: string; values?: unknown[]; name?: string };
interface Result {
  rows: Record<string, unknown>[];
  rowCount: number;
}

/**
 * The database port over the RDS Data API (HTTPS), so functions need no VPC to reach
 * Aurora — no NAT, no endpoints, nothing billed while idle. It speaks the subset of `pg`
 * Shoebox uses: `$n` parameters, transactions through connect()/BEGIN/COMMIT, and rows
 * decoded to what the `pg` pool returns (Date for timestamptz, Buffer for bytea, numbers
 * for bigint, wall-clock strings for timestamp).
 */
export function dataApiDatabase(target: DataApiTarget): Database {
  const query = (config: QueryConfig, values?: unknown[], transactionId?: string) => {
    const text = typeof config === 'string' ? config : config.text;
    const params = (typeof config === 'string' ? values : (config.values ?? values)) ?? [];
    return execute(target, text, params, transactionId);
  };
  return {
    query: query as unknown as Database['query'],
    connect: (async () => {
      let transactionId: string | undefined;
      return {
        async query(config: QueryConfig, values?: unknown[]) {
          const text = (typeof config === 'string' ? config : config.text).trim().toUpperCase();
          const common = { resourceArn: target.resourceArn, secretArn: target.secretArn };
          if (text === 'BEGIN') {
            transactionId = (await target.client.send(new BeginTransactionCommand({ ...common, database: target.database }))).transactionId;
            return { rows: [], rowCount: 0 };
          }
          if (text === 'COMMIT' || text === 'ROLLBACK') {
            const id = transactionId;
            transactionId = undefined;
            if (id) {
              await target.client.send(
                text === 'COMMIT' ? new CommitTransactionCommand({ ...common, transactionId: id }) : new RollbackTransactionCommand({ ...common, transactionId: id }),
              );
            }
            return { rows: [], rowCount: 0 };
          }
          return query(config, values, transactionId);
        },
        release() {},
      };
    }) as unknown as Database['connect'],
  };
}

async function execute(target: DataApiTarget, text: string, values: unknown[], transactionId?: string): Promise<Result> {
  // One statement per call: scripts without parameters (migrations) are split.
  const statements = values.length === 0 ? splitStatements(text) : [text];
  let last: Result = { rows: [], rowCount: 0 };
  for (const sql of statements) {
    const result = await target.client.send(
      new ExecuteStatementCommand({
        resourceArn: target.resourceArn,
        secretArn: target.secretArn,
        database: target.database,
        sql: toNamedParameters(sql),
        parameters: values.map((value, i) => toParameter(`p${i + 1}`, value)),
        includeResultMetadata: true,
        transactionId,
      }),
    );
    const rows = (result.records ?? []).map((record) => decodeRow(record, result.columnMetadata ?? []));
    last = { rows, rowCount: result.records ? rows.length : (result.numberOfRecordsUpdated ?? 0) };
  }
  return last;
}

/** `$1` → `:p1`, outside quotes and comments; `::casts` are left alone. */
export function toNamedParameters(sql: string): string {
  return sql.replace(/('(?:[^']|'')*')|("(?:[^"]|"")*")|(--[^\n]*)|\$(\d+)\b/g, (match, single, double, comment, n) =>
    n ? `:p${n}` : match,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toParameter(name: string, value: unknown): SqlParameter {
  if (value === null || value === undefined) return { name, value: { isNull: true } };
  if (Buffer.isBuffer(value)) return { name, value: { blobValue: value } };
  if (value instanceof Date) return { name, value: { stringValue: timestampText(value) }, typeHint: 'TIMESTAMP' };
  if (typeof value === 'boolean') return { name, value: { booleanValue: value } };
  if (typeof value === 'number') return { name, value: Number.isInteger(value) ? { longValue: value } : { doubleValue: value } };
  if (typeof value === 'bigint') return { name, value: { longValue: Number(value) } };
  // Arrays travel as Postgres array literals; Shoebox's SQL casts them ($1::uuid[]).
  if (Array.isArray(value)) return { name, value: { stringValue: arrayLiteral(value) } };
  const text = String(value);
  // Untyped strings reach Postgres as varchar, which will not compare with uuid columns.
  return UUID.test(text) ? { name, value: { stringValue: text }, typeHint: 'UUID' } : { name, value: { stringValue: text } };
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: the Data API's TIMESTAMP format. */
function timestampText(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function arrayLiteral(values: unknown[]): string {
  const element = (value: unknown): string => {
    if (value === null || value === undefined) return 'NULL';
    if (Buffer.isBuffer(value)) return `"\\\\x${value.toString('hex')}"`;
    if (value instanceof Date) return `"${value.toISOString()}"`;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  return `{${values.map(element).join(',')}}`;
}

export function decodeRow(record: Field[], columns: ColumnMetadata[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  record.forEach((field, i) => {
    const column = columns[i];
    row[column?.label || column?.name || `column${i}`] = decodeField(field, column?.typeName?.toLowerCase() ?? '');
  });
  return row;
}

function decodeField(field: Field, type: string): unknown {
  if (field.isNull) return null;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return Number(field.longValue);
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.arrayValue !== undefined) {
    const a = field.arrayValue;
    return a.stringValues ?? a.longValues?.map(Number) ?? a.booleanValues ?? a.doubleValues ?? [];
  }
  const text = field.stringValue ?? '';
  if (type === 'timestamptz') return new Date(`${text.replace(' ', 'T')}Z`);
  if (type === 'timestamp') return wallClockText(text);
  if (type === 'json' || type === 'jsonb') return JSON.parse(text);
  if (type === 'int8' || type === 'numeric') return Number(text);
  return text;
}
