// Scratch: where the library queries spend their time on the embedded database.
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { startTestDatabase } from '../../test/test-database.js';
const n = Number(process.argv[2] ?? 200000);
const db = await startTestDatabase();
const { rows } = await db.db.query(`INSERT INTO users (email, name) VALUES ('a@b.c', 'a') RETURNING id`);
const owner = rows[0].id;
for (let o = 0; o < n; o += 5000) {
  await insertSyntheticAssets(db.db, owner, Array.from({ length: 5000 }, (_, i) => ({ localDateTime: new Date(Date.UTC(2006, 0, 1) + (o + i) * 3_000_000).toISOString().slice(0, 19), latitude: 40, longitude: -3 })));
}
const time = async (label: string, sql: string, params: unknown[] = []) => {
  const t = performance.now();
  const r = await db.db.query(sql, params);
  console.log(label, (performance.now() - t).toFixed(1), 'ms', r.rowCount);
};
const buckets = `SELECT to_char(date_trunc('month', a.local_date_time), 'YYYY-MM-DD') AS "timeBucket", count(*)::int AS count FROM assets a WHERE a.status <> 'uploading' AND a.owner_id = ANY($1::uuid[]) AND a.deleted_at IS NULL AND a.visibility = 'timeline' GROUP BY date_trunc('month', a.local_date_time) ORDER BY 1 DESC`;
await db.db.query('ANALYZE');
for (let i = 0; i < 3; i++) await time('buckets', buckets, [[owner]]);
console.log((await db.db.query(`EXPLAIN ANALYZE ${buckets}`, [[owner]])).rows.map((r) => r['QUERY PLAN']).join('\n'));
await db.db.query('VACUUM ANALYZE assets');
for (let i = 0; i < 3; i++) await time('buckets after vacuum', buckets, [[owner]]);
console.log((await db.db.query(`EXPLAIN ANALYZE ${buckets}`, [[owner]])).rows.map((r) => r['QUERY PLAN']).join('\n'));
const markers = `SELECT a.id, x.latitude AS lat, x.longitude AS lon, x.city, x.state, x.country FROM assets a JOIN asset_exif x ON x.asset_id = a.id WHERE a.status <> 'uploading' AND a.owner_id = ANY($1::uuid[]) AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND x.latitude IS NOT NULL`;
for (let i = 0; i < 2; i++) await time('markers', markers, [[owner]]);
for (let i = 0; i < 2; i++) await time('markers json_agg', `SELECT json_agg(json_build_object('id', m.id, 'lat', m.lat, 'lon', m.lon, 'city', m.city, 'state', m.state, 'country', m.country))::text AS j FROM (${markers}) m`, [[owner]]);
for (let i = 0; i < 2; i++) await time('markers count only', `SELECT count(*) FROM (${markers}) m`, [[owner]]);
await db.close();
