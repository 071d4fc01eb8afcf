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
await db.db.query('ANALYZE');
const month = `SELECT a.id, a.owner_id AS "ownerId", a.width, a.height, a.is_favorite AS "isFavorite", a.visibility,
       a.deleted_at IS NOT NULL AS "isTrashed", a.type, a.thumbhash, a.taken_at AS "takenAt", a.local_date_time AS "localDateTime",
       a.time_zone AS "timeZone", a.duration_ms AS "durationMs", x.projection_type AS "projectionType",
       a.live_photo_video_id AS "livePhotoVideoId", x.city, x.country, a.status
     FROM assets a LEFT JOIN LATERAL (SELECT projection_type, city, country FROM asset_exif WHERE asset_id = a.id LIMIT 1) x ON true
     WHERE a.owner_id = ANY($1::uuid[]) AND a.status <> 'uploading' AND a.deleted_at IS NULL AND a.visibility = 'timeline' AND a.local_date_time >= $2::timestamp
       AND a.local_date_time < $2::timestamp + interval '1 month'
     ORDER BY a.local_date_time DESC, a.id DESC`;
for (let i = 0; i < 3; i++) await time('month', month, [[owner], '2010-03-01']);
console.log((await db.db.query(`EXPLAIN (ANALYZE, BUFFERS) ${month}`, [[owner], '2010-03-01'])).rows.map((r) => r['QUERY PLAN']).join('\n'));
await db.close();
