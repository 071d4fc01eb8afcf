import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../adapters/local/embedded-postgres.js';
import { silentLogger } from '../../test/test-database.js';
import { connectDatabase } from './connect.js';
import { listMigrations, migrate } from './migrate.js';

describe('migrations', () => {
  it('upgrade a database made by the first release, keeping its assets and counting them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-migrate-'));
    const pglite = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), sharedBuffers: '16MB' });
    const db = connectDatabase(pglite.url, { max: 1, logger: silentLogger });
    try {
      const all = await listMigrations();
      expect(await migrate(db, all.slice(0, 1))).toEqual(['0001_init']);
      const { rows } = await db.query(`INSERT INTO users (email, name) VALUES ('old@example.com', 'Old') RETURNING id`);
      await db.query(
        `INSERT INTO assets (id, owner_id, type, status, original_path, original_file_name, checksum, taken_at, local_date_time,
           file_created_at, file_modified_at)
         VALUES (gen_random_uuid(), $1, 'IMAGE', 'ready', 'originals/x/a.jpg', 'a.jpg', decode(repeat('ab', 20), 'hex'),
           '2019-05-05T10:00:00Z', '2019-05-05T12:00:00', now(), now())`,
        [rows[0].id],
      );
      expect(await migrate(db)).toEqual(all.slice(1).map((m) => m.name));
      // The month counts start from what was there; the original path stays unique among uploads.
      const counts = await db.query(`SELECT to_char(month, 'YYYY-MM') AS month, count FROM asset_month_counts`);
      expect(counts.rows).toEqual([{ month: '2019-05', count: 1 }]);
      await expect(
        db.query(
          `INSERT INTO assets (id, owner_id, type, status, original_path, original_file_name, checksum, taken_at, local_date_time,
             file_created_at, file_modified_at)
           VALUES (gen_random_uuid(), $1, 'IMAGE', 'ready', 'originals/x/a.jpg', 'b.jpg', decode(repeat('cd', 20), 'hex'), now(), now(), now(), now())`,
          [rows[0].id],
        ),
      ).rejects.toThrow(/assets_original_path/);
      expect(await migrate(db)).toEqual([]);
    } finally {
      await db.end();
      await pglite.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
