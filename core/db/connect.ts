import pg from 'pg';
import type { Logger } from '../ports/logger.js';

const INT8 = 20;
const TIMESTAMP = 1114;

/**
 * A `pg` pool with Shoebox's type parsing: bigint columns (byte sizes) as numbers, and
 * `timestamp without time zone` (local capture times) as the wall-clock string it is,
 * never shifted into the server's time zone.
 */
export function connectDatabase(url: string, opts: { max: number; logger: Logger }): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max,
    idleTimeoutMillis: 0,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8) return (value: string) => Number(value);
        if (oid === TIMESTAMP) return (value: string) => value.replace(' ', 'T');
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => opts.logger.warn('database connection lost', { error: error.message }));
  return pool;
}
