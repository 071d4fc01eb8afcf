/**
 * The library API over a large embedded library: synthetic assets (rows, no bytes) spread
 * over 20 years, every one geotagged (the map's worst case), then month buckets, one month's
 * assets, all map markers and adding 1,000 assets to an album, over HTTP.
 * Writes bench/results/library.{json,md}.
 *
 *   npm run bench:library -- --assets 200000 --runs 40
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { insertSyntheticAssets, type SyntheticAsset } from '../../test/synthetic-assets.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { percentile, timeRuns, writeResults } from '../measure.js';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '200000' }, runs: { type: 'string', default: '40' } } });
const total = Number(values.assets);
const runs = Number(values.runs);
const YEARS = 20;

function syntheticLibrary(count: number, offset: number): SyntheticAsset[] {
  return Array.from({ length: count }, (_, i) => {
    const n = offset + i;
    // Evenly over 20 years, at varied times of day; a few in other time zones.
    const t = Date.UTC(2006, 0, 1) + Math.floor((n / total) * YEARS * 365.25 * 86_400_000) + ((n * 7919) % 86_400) * 1000;
    return {
      localDateTime: new Date(t).toISOString().slice(0, 19),
      timeZone: n % 10 === 0 ? '+02:00' : null,
      latitude: 35 + ((n * 31) % 2000) / 100,
      longitude: -10 + ((n * 17) % 3000) / 100,
      isFavorite: n % 50 === 0,
    };
  });
}

async function main() {
  const runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false', SHOEBOX_SWEEP_INTERVAL: '86400', SHOEBOX_LOG_LEVEL: 'ERROR' });
  try {
    const api = apiClient(runtime.url);
    const user = await api.signUpAdmin('bench@example.com', 'benchmark password');
    const loadStarted = performance.now();
    const ids: string[] = [];
    for (let offset = 0; offset < total; offset += 5000) {
      ids.push(...(await insertSyntheticAssets(runtime.ports.db, user.id, syntheticLibrary(Math.min(5000, total - offset), offset))));
    }
    await runtime.ports.db.query('ANALYZE');
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const get = async (path: string) => {
      const response = await fetch(`${runtime.url}/api${path}`, { headers: { 'x-api-key': user.apiKey } });
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return response.json() as Promise<unknown>;
    };
    const buckets = (await get('/timeline/buckets')) as Array<{ timeBucket: string; count: number }>;
    if (buckets.reduce((sum, b) => sum + b.count, 0) !== total) throw new Error('the buckets do not add up to the library');
    await timeRuns(5, () => get('/timeline/buckets')); // warm-up
    const bucketsMs = await timeRuns(runs, () => get('/timeline/buckets'));
    const monthMs = await timeRuns(runs, (i) => get(`/timeline/bucket?timeBucket=${buckets[(i * 37) % buckets.length]!.timeBucket}`));
    // Time to the last byte of the answer; parsing 20 MB of JSON is the client's work, done after.
    let markersBody = '';
    const markersMs = await timeRuns(Math.max(3, Math.round(runs / 8)), async () => {
      const response = await fetch(`${runtime.url}/api/map/markers`, { headers: { 'x-api-key': user.apiKey } });
      markersBody = await response.text();
    });
    const markerCount = (JSON.parse(markersBody) as unknown[]).length;
    const markersFirstMs = markersMs.at(-1)!;
    if (markerCount !== total) throw new Error(`map markers: ${markerCount} of ${total}`);
    const albumMs = await timeRuns(Math.max(3, Math.round(runs / 8)), async (i) => {
      const album = await api.call<{ id: string }>('POST', '/albums', { key: user.apiKey, body: { albumName: `bench ${i}` } });
      const added = await api.call<unknown[]>('PUT', `/albums/${album.body.id}/assets`, { key: user.apiKey, body: { ids: ids.slice(i * 1000, (i + 1) * 1000) } });
      if (added.status !== 200 || added.body.length !== 1000) throw new Error(`album add: ${added.status}`);
    });

    const stats = (ms: number[]) => ({ p50Ms: percentile(ms, 50), p95Ms: percentile(ms, 95), runs: ms.length });
    const result = {
      bench: 'library',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version },
      database: 'embedded (PGlite)',
      assets: total,
      months: buckets.length,
      loadSeconds,
      monthBuckets: stats(bucketsMs),
      oneMonth: { ...stats(monthMs), assetsPerMonth: Math.round(total / buckets.length) },
      mapMarkers: { ...stats(markersMs), firstAfterChangeMs: markersFirstMs, markers: markerCount, megabytes: markersBody.length / 1e6 },
      albumAdd1000: stats(albumMs),
      targets: { monthBucketsP95Ms: 50, oneMonthP95Ms: 100, mapMarkersMs: 300, albumAdd1000Ms: 500 },
    };
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    const table = [
      `# Library bench — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, ${total.toLocaleString('en')} assets, embedded database`,
      '',
      '| measure | p50 | p95 | target |',
      '|---|---|---|---|',
      `| month buckets (${buckets.length} months) | ${ms(result.monthBuckets.p50Ms)} | ${ms(result.monthBuckets.p95Ms)} | p95 < 50 ms |`,
      `| one month's assets (~${result.oneMonth.assetsPerMonth}) | ${ms(result.oneMonth.p50Ms)} | ${ms(result.oneMonth.p95Ms)} | p95 < 100 ms |`,
      `| map markers (${markerCount.toLocaleString('en')}, ${result.mapMarkers.megabytes.toFixed(0)} MB of JSON), unchanged library | ${ms(result.mapMarkers.p50Ms)} | ${ms(percentile(markersMs.slice(0, -1), 95))} | < 300 ms |`,
      `| map markers, first request after a change (read from the database) | | ${ms(markersFirstMs)} | |`,
      `| add 1,000 assets to an album | ${ms(result.albumAdd1000.p50Ms)} | ${ms(result.albumAdd1000.p95Ms)} | < 500 ms |`,
      '',
      `Loading ${total.toLocaleString('en')} rows took ${loadSeconds.toFixed(0)} s.`,
    ].join('\n');
    await writeResults('library', result, table);
  } finally {
    await runtime.close();
  }
}

await main();
