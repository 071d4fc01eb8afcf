import { z } from 'zod';
import { applyMigrations, type Migration } from '../db/migrate.js';
import { BadRequest } from '../errors.js';
import { transaction, type Database, type Queryable } from '../ports/database.js';
import { SHOEBOX_VERSION } from '../version.js';

/**
 * A logical dump of Shoebox's database: plain SQL, one statement per line, the same for the
 * embedded PGlite and a real Postgres — so a dump of one restores into the other.
 *
 *   -- shoebox-dump {"format":1,"schemaVersion":3,...}
 *   SET session_replication_role = replica;
 *   INSERT INTO "assets" SELECT * FROM jsonb_populate_recordset(NULL::"assets", '[…500 rows…]');
 *   SELECT setval('"job_events_id_seq"', 42, true);
 *   -- end {"rows":1234}
 *
 * It reads like SQL (psql can load it into a database migrated to `schemaVersion`), but
 * `restoreDatabaseDump` never runs its text: it takes table names, row JSON and sequence values
 * out of lines of exactly these shapes and runs its own parameterised statements, so an
 * uploaded dump cannot carry any other SQL into a superuser session.
 */
const FORMAT = 1;
const ROWS_PER_STATEMENT = 500;
/** A line longer than this is not one we wrote (500 rows with CLIP and face vectors are ~5 MB). */
export const MAX_DUMP_LINE = 256 * 1024 * 1024;

export const DumpHeader = z.object({
  format: z.literal(FORMAT),
  schemaVersion: z.number().int().min(1),
  createdAt: z.string(),
  shoebox: z.string(),
  postgres: z.string(),
});
export type DumpHeader = z.infer<typeof DumpHeader>;
const DumpEnd = z.object({ rows: z.number().int().min(0) });

const HEADER_PREFIX = '-- shoebox-dump ';
const END_PREFIX = '-- end ';
const REPLICA_ROLE = 'SET session_replication_role = replica;';
const INSERT_LINE = /^INSERT INTO "([a-z_][a-z0-9_]*)" SELECT \* FROM jsonb_populate_recordset\(NULL::"\1", '(.*)'\);$/s;
const SETVAL_LINE = /^SELECT setval\('"([a-z_][a-z0-9_]*)"', (\d{1,19}), (true|false)\);$/;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface SchemaObjects {
  tables: string[];
  sequences: string[];
}

/** Shoebox's own tables and sequences: everything in `public` but the migrations ledger and pgvector's. */
async function schemaObjects(db: Queryable): Promise<SchemaObjects> {
  const { rows } = await db.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S') AND c.relname <> 'schema_migrations'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
      ORDER BY c.relname`,
  );
  return { tables: rows.filter((r) => r.kind === 'r').map((r) => r.name), sequences: rows.filter((r) => r.kind === 'S').map((r) => r.name) };
}

/**
 * The dump of `db` as lines of text, read in one repeatable-read transaction: every table as of
 * the same instant, while writers carry on (on PGlite, which has one backend, they wait).
 */
export async function* dumpDatabase(db: Database, now: Date): AsyncGenerator<string> {
  const client = await db.connect();
  let committed = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: versions } = await client.query<{ version: number | null; postgres: string }>(
      `SELECT (SELECT max(version) FROM schema_migrations) AS version, current_setting('server_version') AS postgres`,
    );
    const header: DumpHeader = {
      format: FORMAT,
      schemaVersion: versions[0]!.version ?? 0,
      createdAt: now.toISOString(),
      shoebox: SHOEBOX_VERSION.shoebox,
      postgres: versions[0]!.postgres.split(' ')[0]!,
    };
    yield `${HEADER_PREFIX}${JSON.stringify(header)}\n`;
    yield `-- Restore with \`shoebox restore <this file>\`, or with psql into a database migrated to schema ${header.schemaVersion}.\n`;
    yield `${REPLICA_ROLE}\n`;
    const { tables, sequences } = await schemaObjects(client);
    let total = 0;
    for (const table of tables) {
      await client.query(`DECLARE dump_rows NO SCROLL CURSOR FOR SELECT to_jsonb(t) AS row FROM ${ident(table)} t`);
      for (;;) {
        const { rows } = await client.query<{ row: unknown }>(`FETCH ${ROWS_PER_STATEMENT} FROM dump_rows`);
        if (rows.length === 0) break;
        total += rows.length;
        const json = JSON.stringify(rows.map((r) => r.row));
        yield `INSERT INTO ${ident(table)} SELECT * FROM jsonb_populate_recordset(NULL::${ident(table)}, ${sqlLiteral(json)});\n`;
      }
      await client.query('CLOSE dump_rows');
    }
    for (const sequence of sequences) {
      const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM ${ident(sequence)}`);
      yield `SELECT setval('${ident(sequence)}', ${rows[0]!.last_value}, ${rows[0]!.is_called});\n`;
    }
    yield `${END_PREFIX}${JSON.stringify({ rows: total })}\n`;
    await client.query('COMMIT');
    committed = true;
  } finally {
    // Also when the reader stops early (a full disk ends the write): the connection goes back to
    // the pool only outside the transaction.
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

function parseEndLine(line: string): z.infer<typeof DumpEnd> {
  try {
    return DumpEnd.parse(JSON.parse(line.slice(END_PREFIX.length)));
  } catch {
    throw new BadRequest('The dump\'s end line is damaged');
  }
}

/** Reads the header line of a dump; a file that does not start with one is not a Shoebox dump. */
export function parseDumpHeader(line: string | undefined): DumpHeader {
  if (!line?.startsWith(HEADER_PREFIX)) throw new BadRequest('Not a Shoebox database dump (no "-- shoebox-dump" header)');
  let json: unknown;
  try {
    json = JSON.parse(line.slice(HEADER_PREFIX.length));
  } catch {
    throw new BadRequest('The dump header is not valid JSON');
  }
  const header = DumpHeader.safeParse(json);
  if (!header.success) throw new BadRequest(`The dump header is not one this Shoebox reads: ${header.error.issues[0]?.message}`);
  return header.data;
}

export interface RestoreSummary {
  header: DumpHeader;
  rows: number;
  tables: number;
  migrated: string[];
}

/**
 * Replaces everything in `db` with the dump, in one transaction: the schema is rebuilt by the
 * migrations up to the dump's version, the rows go in with triggers off (the dump holds what they
 * computed), then the later migrations run. Any problem — a cut-off file, a line we did not
 * write, a table this schema lacks — rolls it all back and the database is as it was.
 */
export async function restoreDatabaseDump(db: Database, lines: AsyncIterable<string>, migrations: Migration[]): Promise<RestoreSummary> {
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = parseDumpHeader(first.done ? undefined : first.value);
  const latest = Math.max(...migrations.map((m) => m.version));
  if (header.schemaVersion > latest) {
    throw new BadRequest(`The dump was made by a newer Shoebox (schema ${header.schemaVersion}; this one knows up to ${latest}): upgrade Shoebox first`);
  }
  return transaction(db, async (tx) => {
    await tx.query('DROP SCHEMA IF EXISTS public CASCADE');
    await tx.query('CREATE SCHEMA public');
    await applyMigrations(tx, migrations.filter((m) => m.version <= header.schemaVersion));
    const { tables, sequences } = await schemaObjects(tx);
    const known = { tables: new Set(tables), sequences: new Set(sequences) };
    await tx.query('SET LOCAL session_replication_role = replica').catch((error: Error) => {
      throw new BadRequest(`Restoring needs a database superuser (to load rows with triggers off): ${error.message}`);
    });
    let rows = 0;
    const filled = new Set<string>();
    let end: z.infer<typeof DumpEnd> | undefined;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const line = next.value;
      if (end) throw new BadRequest('The dump goes on after its end line');
      if (line === '' || line === REPLICA_ROLE || (line.startsWith('-- ') && !line.startsWith(END_PREFIX))) continue;
      if (line.startsWith(END_PREFIX)) {
        end = parseEndLine(line);
        continue;
      }
      const insert = INSERT_LINE.exec(line);
      if (insert) {
        const table = insert[1]!;
        if (!known.tables.has(table)) throw new BadRequest(`The dump fills a table this schema does not have: ${table}`);
        const json = insert[2]!.replace(/''/g, "'");
        const { rowCount } = await tx.query(`INSERT INTO ${ident(table)} SELECT * FROM jsonb_populate_recordset(NULL::${ident(table)}, $1::jsonb)`, [json]);
        rows += rowCount ?? 0;
        filled.add(table);
        continue;
      }
      const setval = SETVAL_LINE.exec(line);
      if (setval) {
        if (!known.sequences.has(setval[1]!)) throw new BadRequest(`The dump sets a sequence this schema does not have: ${setval[1]}`);
        await tx.query('SELECT setval($1::regclass, $2::bigint, $3::boolean)', [ident(setval[1]!), setval[2], setval[3] === 'true']);
        continue;
      }
      throw new BadRequest(`The dump has a line that is not one Shoebox writes: ${line.slice(0, 80)}`);
    }
    if (!end) throw new BadRequest('The dump is cut off (no end line): nothing was restored');
    if (end.rows !== rows) throw new BadRequest(`The dump says ${end.rows} rows but holds ${rows}: nothing was restored`);
    await tx.query('SET LOCAL session_replication_role = origin');
    const migrated = await applyMigrations(tx, migrations);
    return { header, rows, tables: filled.size, migrated };
  });
}

/** Splits a text stream into lines, refusing any longer than `maxLine` characters (a bomb, or not a dump). */
export async function* dumpLines(chunks: AsyncIterable<string | Buffer>, maxLine = MAX_DUMP_LINE): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // A line's pieces so far: a 5 MB line arrives in hundreds of chunks, each searched once.
  let pieces: string[] = [];
  let pendingLength = 0;
  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n')) {
      pieces.push(text.slice(0, newline));
      yield pieces.join('');
      pieces = [];
      pendingLength = 0;
      text = text.slice(newline + 1);
    }
    pieces.push(text);
    pendingLength += text.length;
    if (pendingLength > maxLine) throw new BadRequest(`The dump has a line longer than ${maxLine} characters`);
  }
  const rest = pieces.join('') + decoder.decode();
  if (rest) yield rest;
}
