import type { Database } from '../../core/ports/database.js';
import type { KeyValueStore } from '../../core/ports/key-value-store.js';

/** The key-value port on a Postgres table; expired rows read as absent and are swept later. */
export class PostgresKeyValueStore implements KeyValueStore {
  constructor(private readonly db: Database) {}

  async get<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.db.query<{ value: T }>('SELECT value FROM kv_store WHERE key = $1 AND expires_at > now()', [key]);
    return rows[0]?.value;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    const result = await this.db.query(
      `INSERT INTO kv_store (key, value, expires_at) VALUES ($1, $2::jsonb, now() + make_interval(secs => $3))
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE kv_store.expires_at <= now()`,
      [key, JSON.stringify(value), ttlSeconds],
    );
    return result.rowCount === 1;
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO kv_store (key, value, expires_at) VALUES ($1, $2::jsonb, now() + make_interval(secs => $3))
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [key, JSON.stringify(value), ttlSeconds],
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.query('DELETE FROM kv_store WHERE key = $1', [key]);
  }

  async sweepExpired(): Promise<number> {
    const result = await this.db.query('DELETE FROM kv_store WHERE expires_at <= now()');
    return result.rowCount ?? 0;
  }
}
