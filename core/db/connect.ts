import pg from 'pg';
import type { Logger } from '../ports/logger.js';
import { wallClockText } from './wall-clock.js';

const INT8 = 20;
const TIMESTAMP = 1114;

/**
 * A `pg` pool with Shoebox's type parsing: bigint columns (byte sizes) as numbers, and
 * `timestamp without time zone` (local capture times) as the wall-clock string it is,
 * never shifted into the server's time zone.
 */
export function connectDatabase(url: string, opts: { max: number; logger: Logger; iamAuthRegion?: string }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    // On Aurora: a 15-minute IAM token per connection instead of a stored password, over TLS.
    // The RDS certificate authority is not in Node's trust store and not shipped yet, so the
    // connection is encrypted but the server is trusted by being inside the private VPC.
    ...(opts.iamAuthRegion ? { password: iamToken(url, opts.iamAuthRegion), ssl: { rejectUnauthorized: false } } : {}),
    max: opts.max,
    idleTimeoutMillis: 0,
    // pg-pool ends a connection whenever a query on it fails. The embedded database serves
    // every connection from ONE backend, where the old connection's named prepared statements
    // live on, so the new connection would fail with "prepared statement … already exists".
    // Awaited before the connection is handed out.
    onConnect: async (client: pg.ClientBase) => {
      await client.query('DEALLOCATE ALL');
    },
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (value: string) => Number(value);
        if (oid === TIMESTAMP) return wallClockText;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => opts.logger.warn('database connection lost', { error: error.message }));
  return pool;
}

function iamToken(url: string, region: string): () => Promise<string> {
  const { hostname, port, username } = new URL(url);
  // Loaded on first use: only a database on RDS needs the AWS SDK.
  const signer = import('@aws-sdk/rds-signer').then(
    ({ Signer }) => new Signer({ hostname, port: Number(port || 5432), username: decodeURIComponent(username), region }),
  );
  return async () => (await signer).getAuthToken();
}
