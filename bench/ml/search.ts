/**
 * Smart search over a large embedded library: synthetic assets with CLIP-like vectors
 * (unit vectors around 200 "topics", as real photo libraries cluster), indexed by the real
 * HNSW index, queried over HTTP through POST /api/search/smart — text encoded by a
 * same-shaped tiny CLIP (cached after the first query, as the target excludes it),
 * with and without filters. Also the index's recall@100 against an exact scan.
 * Writes bench/results/search.{json,md}.
 *
 *   npm run bench:search -- --assets 100000 --runs 60
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Requester } from '../../core/access/access.js';
import { transaction, type Database } from '../../core/ports/database.js';
import { timelineScope, type TimelineFilter } from '../../core/timeline/timeline-scope.js';
import { writeTinyClipPack } from '../../test/model-packs.js';
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { percentile, timeRuns, writeResults } from '../measure.js';
import { buildSmartSearchIndex } from '../vector-index.js';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '100000' }, runs: { type: 'string', default: '60' }, explain: { type: 'boolean', default: false } } });
const total = Number(values.assets);
const runs = Number(values.runs);
const CITIES = ['Lisbon', 'Porto', 'Madrid', 'Paris', 'Berlin'];

async function main() {
  const models = await mkdtemp(path.join(os.tmpdir(), 'shoebox-bench-models-'));
  await writeTinyClipPack(models);
  const runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false', SHOEBOX_SWEEP_INTERVAL: '86400', SHOEBOX_LOG_LEVEL: 'ERROR', SHOEBOX_MODELS: models, SHOEBOX_PGLITE_SHARED_BUFFERS: '256MB' });
  const { db } = runtime.ports;
  try {
    const api = apiClient(runtime.url);
    const user = await api.signUpAdmin('bench@example.com', 'benchmark password');
    const started = performance.now();
    for (let offset = 0; offset < total; offset += 5000) {
      const count = Math.min(5000, total - offset);
      const assets = Array.from({ length: count }, (_, i) => {
        const n = offset + i;
        const t = Date.UTC(2006, 0, 1) + Math.floor((n / total) * 20 * 365.25 * 86_400_000);
        return { localDateTime: new Date(t).toISOString().slice(0, 19), isFavorite: n % 50 === 0, city: CITIES[n % CITIES.length], latitude: 40, longitude: -8, type: n % 10 === 0 ? ('VIDEO' as const) : ('IMAGE' as const) };
      });
      await insertSyntheticAssets(db, user.id, assets);
    }
    const assetsSeconds = (performance.now() - started) / 1000;
    console.error(`${total} assets in ${assetsSeconds.toFixed(0)} s; making vectors…`);

    // Vectors made in the database: a topic's centre plus noise, normalised (pgvector's l2_normalize).
    const vectorsStarted = performance.now();
    await db.query(`CREATE TEMP TABLE topics AS SELECT t AS topic, (SELECT array_agg(random() - 0.5) FROM generate_series(1, 512) WHERE t >= 0)::vector(512) AS v FROM generate_series(0, 199) t`);
    await db.query('DROP INDEX smart_search_embedding');
    const { rows: ids } = await db.query<{ id: string }>('SELECT id FROM assets ORDER BY id');
    for (let i = 0; i < ids.length; i += 5000) {
      await db.query(
        `INSERT INTO smart_search (asset_id, model, embedding)
         SELECT a.id, 'ViT-B-32__openai', l2_normalize(t.v + (SELECT array_agg((random() - 0.5) * 0.02) FROM generate_series(1, 512) WHERE a.id IS NOT NULL)::vector(512))
         FROM unnest($1::uuid[]) WITH ORDINALITY AS a (id, n) JOIN topics t ON t.topic = (a.n % 200)`,
        [ids.slice(i, i + 5000).map((r) => r.id)],
      );
    }
    const vectorsSeconds = (performance.now() - vectorsStarted) / 1000;
    console.error(`vectors in ${vectorsSeconds.toFixed(0)} s; building the HNSW index…`);
    const indexSeconds = await buildSmartSearchIndex(db);
    console.error(`index in ${indexSeconds.toFixed(0)} s; querying…`);

    const search = async (body: object) => {
      const response = await fetch(`${runtime.url}/api/search/smart`, { method: 'POST', headers: { 'x-api-key': user.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status !== 200) throw new Error(`search: ${response.status} ${await response.text()}`);
      return (await response.json()) as { assets: { items: Array<{ id: string }> } };
    };
    const queries = ['red', 'green', 'blue', 'a red car', 'blue sky', 'green field'];
    for (const q of queries) await search({ query: q }); // first encodings, excluded
    const filters: Array<[string, object]> = [
      ['no filter', {}],
      ['favourites (2 %)', { isFavorite: true }],
      ['one city (20 %)', { city: 'Porto' }],
      ['videos (10 %)', { type: 'VIDEO' }],
      ['a date range (10 %)', { takenAfter: '2020-01-01', takenBefore: '2021-12-31' }],
    ];
    if (values.explain) await explainPlans(db, user.id, filters);
    const timings: Record<string, { p50: number; p95: number; results: number }> = {};
    for (const [label, filter] of filters) {
      let results = 0;
      const ms = await timeRuns(runs, async (i) => {
        results = (await search({ query: queries[i % queries.length], size: 100, ...filter })).assets.items.length;
      });
      timings[label] = { p50: percentile(ms, 50), p95: percentile(ms, 95), results };
    }

    // Recall@100 of the index against an exact scan, for vectors of the library itself.
    let hits = 0;
    const probes = 10;
    for (let p = 0; p < probes; p++) {
      const probe = ids[(p * 7919) % ids.length]!.id;
      const query = `SELECT asset_id FROM smart_search ORDER BY embedding <=> (SELECT embedding FROM smart_search WHERE asset_id = '${probe}') LIMIT 100`;
      const approximate = await transaction(db, async (tx) => {
        await tx.query('SET LOCAL hnsw.ef_search = 101');
        return (await tx.query<{ asset_id: string }>(query)).rows.map((r) => r.asset_id);
      });
      const exact = await transaction(db, async (tx) => {
        await tx.query('SET LOCAL enable_indexscan = off');
        return (await tx.query<{ asset_id: string }>(query)).rows.map((r) => r.asset_id);
      });
      hits += approximate.filter((id) => exact.includes(id)).length;
    }
    const recall = hits / (probes * 100);

    const result = {
      bench: 'search',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      assets: total,
      setupSeconds: { assets: assetsSeconds, vectors: vectorsSeconds, hnswIndex: indexSeconds },
      ms: timings,
      recallAt100: recall,
      target: { p95Ms: 50 },
    };
    const table = [
      `# Smart search — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, ${total.toLocaleString('en')} assets, embedded database`,
      '',
      '| query (page of 100, over HTTP) | p50 | p95 | target |',
      '|---|---|---|---|',
      ...Object.entries(timings).map(([label, t]) => `| ${label} | ${t.p50.toFixed(1)} ms | ${t.p95.toFixed(1)} ms | p95 < 50 ms |`),
      '',
      `HNSW recall@100 against an exact scan: ${(recall * 100).toFixed(1)} %. Set-up: assets ${assetsSeconds.toFixed(0)} s, vectors ${vectorsSeconds.toFixed(0)} s, index ${indexSeconds.toFixed(0)} s.`,
    ].join('\n');
    await writeResults('search', result, table);
  } finally {
    await runtime.close();
    await rm(models, { recursive: true, force: true });
  }
}

/** The plans the search query gets (`--explain`): what to look at when a filter is slow. */
async function explainPlans(db: Database, userId: string, filters: Array<[string, object]>) {
  const { rows } = await db.query<{ embedding: string }>('SELECT embedding::text FROM smart_search LIMIT 1');
  for (const [label, filter] of filters) {
    const scope = await timelineScope(db, { user: { id: userId } } as Requester, filter as TimelineFilter);
    const n = scope.params.length;
    const plan = await transaction(db, async (tx) => {
      await tx.query('SET LOCAL hnsw.ef_search = 101');
      await tx.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
      return tx.query(`EXPLAIN ANALYZE SELECT a.id FROM smart_search s JOIN assets a ON a.id = s.asset_id WHERE ${scope.where} ORDER BY s.embedding <=> $${n + 1} LIMIT 101`, [...scope.params, rows[0]!.embedding]);
    });
    console.error(`--- ${label}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

await main();
