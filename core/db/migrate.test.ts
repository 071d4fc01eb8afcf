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

  it('turn the keywords of 0002–0007 into tags, every level of a path a tag, each asset tagged once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-migrate-'));
    const pglite = await startEmbeddedPostgres({ dataDir: path.join(dir, 'db'), sharedBuffers: '16MB' });
    const db = connectDatabase(pglite.url, { max: 1, logger: silentLogger });
    try {
      const all = await listMigrations();
      const before = all.findIndex((m) => m.name === '0008_tags');
      await migrate(db, all.slice(0, before));
      const users = await db.query<{ id: string }>(`INSERT INTO users (email, name) VALUES ('a@example.com', 'A'), ('b@example.com', 'B') RETURNING id`);
      const [ada, bea] = users.rows.map((r) => r.id);
      const insert = async (owner: string, name: string, tags: string[]) => {
        const { rows } = await db.query<{ id: string }>(
          `INSERT INTO assets (id, owner_id, type, status, original_path, original_file_name, checksum, taken_at, local_date_time, file_created_at, file_modified_at)
           VALUES (gen_random_uuid(), $1, 'IMAGE', 'ready', 'originals/' || $2, $2, decode(md5($2) || '00000000', 'hex'), now(), now(), now(), now()) RETURNING id`,
          [owner, name],
        );
        await db.query('INSERT INTO asset_exif (asset_id, tags) VALUES ($1, $2)', [rows[0]!.id, tags]);
        return rows[0]!.id;
      };
      const one = await insert(ada!, 'one.jpg', ['Family/Anna', 'beach', 'Family//Anna/']);
      const two = await insert(ada!, 'two.jpg', ['Family']);
      await insert(bea!, 'three.jpg', ['beach', '/']);
      await migrate(db);
      const tags = await db.query<{ owner: string; value: string; parent: string | null }>(
        `SELECT t.owner_id AS owner, t.value, p.value AS parent FROM tags t LEFT JOIN tags p ON p.id = t.parent_id ORDER BY t.owner_id = $1 DESC, t.value`,
        [ada],
      );
      expect(tags.rows).toEqual([
        { owner: ada, value: 'Family', parent: null },
        { owner: ada, value: 'Family/Anna', parent: 'Family' },
        { owner: ada, value: 'beach', parent: null },
        { owner: bea, value: 'beach', parent: null },
      ]);
      const tagged = await db.query<{ asset: string; value: string }>(
        'SELECT ta.asset_id AS asset, t.value FROM tag_assets ta JOIN tags t ON t.id = ta.tag_id WHERE t.owner_id = $1 ORDER BY ta.asset_id = $2 DESC, t.value',
        [ada, one],
      );
      expect(tagged.rows).toEqual([
        { asset: one, value: 'Family/Anna' },
        { asset: one, value: 'beach' },
        { asset: two, value: 'Family' },
      ]);
      const column = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'asset_exif' AND column_name = 'tags'`);
      expect(column.rows).toEqual([]);
    } finally {
      await db.end();
      await pglite.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
