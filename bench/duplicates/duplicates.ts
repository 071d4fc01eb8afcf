/**
 * Duplicate detection over a large embedded library: synthetic assets with CLIP-like vectors
 * (unit vectors around 200 "topics", photos of one topic ~0.25 apart in cosine distance, as
 * real photos of one subject are), among them planted copies (the same picture re-encoded:
 * ~0.002 from its original) and planted near-misses (a burst neighbour: ~0.03, which must
 * stay apart at Immich's maxDistance 0.01). Every asset is then run through the real
 * detection (core/duplicates, as the duplicates stage runs it, one at a time) over the real
 * HNSW index. Reports the time, and precision and recall on the planted pairs.
 * Writes bench/results/duplicates.{json,md}.
 *
 *   npm run bench:duplicates -- --assets 100000 --copies 1000
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { detectDuplicates } from '../../core/duplicates/duplicate-detection.js';
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { percentile, writeResults } from '../measure.js';
import { buildSmartSearchIndex } from '../vector-index.js';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '100000' }, copies: { type: 'string', default: '1000' }, maxDistance: { type: 'string', default: '0.01' } } });
const total = Number(values.assets);
const copies = Number(values.copies);
const maxDistance = Number(values.maxDistance);
const DIM = 512;
/** Per-element noise (uniform, this wide) relative to a topic centre whose elements are uniform in ±0.5. */
const PHOTO_SPREAD = 0.6;
/** Per-element noise on a unit vector: a copy, and a near-miss. */
const COPY_NOISE = 0.0097;
const NEAR_MISS_NOISE = 0.0375;

async function main() {
  const runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false', SHOEBOX_SWEEP_INTERVAL: '86400', SHOEBOX_LOG_LEVEL: 'ERROR', SHOEBOX_PGLITE_SHARED_BUFFERS: '256MB' });
  const { db } = runtime.ports;
  try {
    const user = await apiClient(runtime.url).signUpAdmin('bench@example.com', 'benchmark password');
    const started = performance.now();
    const ids: string[] = [];
    for (let offset = 0; offset < total; offset += 5000) {
      const count = Math.min(5000, total - offset);
      ids.push(...(await insertSyntheticAssets(db, user.id, Array.from({ length: count }, (_, i) => ({ localDateTime: new Date(Date.UTC(2010, 0, 1) + (offset + i) * 3_600_000).toISOString().slice(0, 19) })))));
    }
    // The first `copies` assets are originals with a copy after the photos; the next `copies`, originals with a near-miss.
    const photos = total - 2 * copies;
    const originals = ids.slice(0, copies);
    const copyIds = ids.slice(photos, photos + copies);
    const nearOriginals = ids.slice(copies, 2 * copies);
    const nearMisses = ids.slice(photos + copies);
    console.error(`${total} assets in ${((performance.now() - started) / 1000).toFixed(0)} s; making vectors…`);

    const vectorsStarted = performance.now();
    await db.query(`CREATE TEMP TABLE topics AS SELECT t AS topic, (SELECT array_agg(random() - 0.5) FROM generate_series(1, ${DIM}) WHERE t >= 0)::vector(${DIM}) AS v FROM generate_series(0, 199) t`);
    await db.query('DROP INDEX smart_search_embedding');
    const photoIds = ids.slice(0, photos);
    for (let i = 0; i < photoIds.length; i += 5000) {
      await db.query(
        `INSERT INTO smart_search (asset_id, model, embedding)
         SELECT a.id, 'ViT-B-32__openai', l2_normalize(t.v + (SELECT array_agg((random() - 0.5) * ${PHOTO_SPREAD}) FROM generate_series(1, ${DIM}) WHERE a.id IS NOT NULL)::vector(${DIM}))
         FROM unnest($1::uuid[]) WITH ORDINALITY AS a (id, n) JOIN topics t ON t.topic = ((a.n + $2) % 200)`,
        [photoIds.slice(i, i + 5000), i],
      );
    }
    const plant = (of: string[], as: string[], noise: number) =>
      db.query(
        `INSERT INTO smart_search (asset_id, model, embedding)
         SELECT c.id, 'ViT-B-32__openai', l2_normalize(s.embedding + (SELECT array_agg((random() - 0.5) * ${noise}) FROM generate_series(1, ${DIM}) WHERE c.id IS NOT NULL)::vector(${DIM}))
         FROM unnest($1::uuid[], $2::uuid[]) AS p (original, id) JOIN smart_search s ON s.asset_id = p.original CROSS JOIN LATERAL (SELECT p.id) c`,
        [of, as],
      );
    await plant(originals, copyIds, COPY_NOISE);
    await plant(nearOriginals, nearMisses, NEAR_MISS_NOISE);
    const vectorsSeconds = (performance.now() - vectorsStarted) / 1000;
    const { rows: [planted] } = await db.query<{ copy: number; miss: number }>(
      `SELECT avg(o.embedding <=> c.embedding) FILTER (WHERE p.kind = 'copy') AS copy, avg(o.embedding <=> c.embedding) FILTER (WHERE p.kind = 'miss') AS miss
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS p (original, id, kind) JOIN smart_search o ON o.asset_id = p.original JOIN smart_search c ON c.asset_id = p.id`,
      [[...originals, ...nearOriginals], [...copyIds, ...nearMisses], [...originals.map(() => 'copy'), ...nearOriginals.map(() => 'miss')]],
    );
    console.error(`vectors in ${vectorsSeconds.toFixed(0)} s (copies ${planted!.copy.toFixed(4)}, near-misses ${planted!.miss.toFixed(4)} apart); building the HNSW index…`);
    const indexSeconds = await buildSmartSearchIndex(db);
    console.error(`index in ${indexSeconds.toFixed(0)} s; detecting…`);

    // Every asset, in upload order, as the admin's "detect all" job queues them.
    const ms: number[] = [];
    const detectStarted = performance.now();
    for (const [i, id] of ids.entries()) {
      const t = performance.now();
      await detectDuplicates(db, id, maxDistance);
      ms.push(performance.now() - t);
      if (i % 10_000 === 9_999) console.error(`  ${i + 1} detected, ${((performance.now() - detectStarted) / 1000).toFixed(0)} s`);
    }
    const detectSeconds = (performance.now() - detectStarted) / 1000;
    ms.sort((a, b) => a - b);

    // Pairs in one group, against the planted pairs.
    const { rows: grouped } = await db.query<{ ids: string[] }>(`SELECT array_agg(id) AS ids FROM assets WHERE duplicate_id IS NOT NULL GROUP BY duplicate_id`);
    const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
    const found = new Set<string>();
    for (const { ids: members } of grouped) for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) found.add(key(members[i]!, members[j]!));
    const truth = new Set(originals.map((o, i) => key(o, copyIds[i]!)));
    const misses = new Set(nearOriginals.map((o, i) => key(o, nearMisses[i]!)));
    const truePairs = [...found].filter((p) => truth.has(p)).length;
    const precision = found.size === 0 ? 1 : truePairs / found.size;
    const recall = truePairs / truth.size;
    const nearMissesGrouped = [...found].filter((p) => misses.has(p)).length;

    const result = {
      bench: 'duplicates',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      assets: total,
      plantedCopies: copies,
      plantedNearMisses: copies,
      maxDistance,
      meanDistance: { copy: planted!.copy, nearMiss: planted!.miss },
      setupSeconds: { vectors: vectorsSeconds, hnswIndex: indexSeconds },
      detection: { seconds: detectSeconds, assetsPerSecond: total / detectSeconds, msPerAsset: { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99) } },
      groups: grouped.length,
      pairsFound: found.size,
      precision,
      recall,
      nearMissesGrouped,
    };
    const table = [
      `# Duplicate detection — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, ${total.toLocaleString('en')} CLIP vectors, embedded database`,
      '',
      '| measure | value |',
      '|---|---|',
      `| detection of every asset (one at a time, as the stage runs) | ${detectSeconds.toFixed(0)} s (${result.detection.assetsPerSecond.toFixed(0)} assets/s) |`,
      `| per asset p50 / p95 / p99 | ${result.detection.msPerAsset.p50.toFixed(1)} / ${result.detection.msPerAsset.p95.toFixed(1)} / ${result.detection.msPerAsset.p99.toFixed(1)} ms |`,
      `| precision on planted copies (pairs grouped that are planted copies) | ${(precision * 100).toFixed(2)} % |`,
      `| recall on planted copies | ${(recall * 100).toFixed(2)} % (${truePairs} of ${truth.size}) |`,
      `| planted near-misses grouped (must be 0) | ${nearMissesGrouped} of ${misses.size} |`,
      `| groups / pairs found | ${grouped.length} / ${found.size} |`,
      '',
      `maxDistance ${maxDistance}; copies ${planted!.copy.toFixed(4)} and near-misses ${planted!.miss.toFixed(4)} from their originals on average. Set-up: vectors ${vectorsSeconds.toFixed(0)} s, HNSW index ${indexSeconds.toFixed(0)} s.`,
    ].join('\n');
    await writeResults('duplicates', result, table);
  } finally {
    await runtime.close();
  }
}

await main();
