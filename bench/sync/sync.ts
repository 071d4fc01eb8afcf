/**
 * The phone app's first sync of a large library, and a delta: synthetic assets (rows with EXIF,
 * no bytes) for the user, a partner who shares 10 % as many, and 20 albums of 500 of the user's
 * assets; then POST /sync/stream with every type the app asks for, read as the app reads it (to
 * the last byte, counting lines), acknowledged, and streamed again after 10 changes.
 * Writes bench/results/sync.{json,md}.
 *
 *   npm run bench:sync -- --assets 100000
 */
import { parseArgs } from 'node:util';
import { insertSyntheticAssets, type SyntheticAsset } from '../../test/synthetic-assets.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { percentile, writeResults } from '../measure.js';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '100000' } } });
const total = Number(values.assets);
const APP_TYPES = [
  'AuthUsersV1', 'UsersV1', 'AssetsV2', 'AssetExifsV1', 'AssetEditsV1', 'AssetMetadataV1', 'PartnersV1', 'PartnerAssetsV2',
  'PartnerAssetExifsV1', 'AlbumsV2', 'AlbumUsersV1', 'AlbumAssetsV2', 'AlbumAssetExifsV1', 'AlbumToAssetsV1', 'MemoriesV1',
  'MemoryToAssetsV1', 'StacksV1', 'PartnerStacksV1', 'UserMetadataV1', 'PeopleV1', 'AssetFacesV2', 'AssetOcrV1',
];

const library = (count: number, offset: number): SyntheticAsset[] =>
  Array.from({ length: count }, (_, i) => ({
    localDateTime: new Date(Date.UTC(2006, 0, 1) + (offset + i) * 3_600_000).toISOString().slice(0, 19),
    latitude: 35 + ((offset + i) % 2000) / 100,
    longitude: -10 + ((offset + i) % 3000) / 100,
    city: 'Lisbon',
  }));

async function load(db: Parameters<typeof insertSyntheticAssets>[0], owner: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; offset < count; offset += 5000) ids.push(...(await insertSyntheticAssets(db, owner, library(Math.min(5000, count - offset), offset))));
  return ids;
}

async function main() {
  const runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false', SHOEBOX_SWEEP_INTERVAL: '86400', SHOEBOX_LOG_LEVEL: 'ERROR' });
  try {
    const api = apiClient(runtime.url);
    const admin = await api.signUpAdmin('bench@example.com', 'benchmark password');
    const partner = await api.createUser(admin, 'partner@example.com');
    const { db } = runtime.ports;
    const mine = await load(db, admin.id, total);
    await load(db, partner.id, Math.round(total / 10));
    await api.call('POST', '/partners', { key: partner.apiKey, body: { sharedWithId: admin.id } });
    for (let a = 0; a < 20; a++) {
      const album = await api.call<{ id: string }>('POST', '/albums', { key: admin.apiKey, body: { albumName: `Album ${a}` } });
      await api.call('PUT', `/albums/${album.body.id}/assets`, { key: admin.apiKey, body: { ids: mine.slice(a * 500, a * 500 + 500) } });
    }
    await db.query('ANALYZE');
    const login = await api.call<{ accessToken: string }>('POST', '/auth/login', { body: { email: 'bench@example.com', password: 'benchmark password' } });
    const token = login.body.accessToken;

    /** One stream as the app reads it: every byte, lines counted, the last ack of each type kept. */
    const sync = async () => {
      const started = performance.now();
      const response = await fetch(`${runtime.url}/api/sync/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ types: APP_TYPES }),
      });
      if (response.status !== 200) throw new Error(`sync: ${response.status}`);
      const acks = new Map<string, string>();
      let bytes = 0;
      let lines = 0;
      let pending = '';
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) {
        bytes += chunk.byteLength;
        const parts = (pending + decoder.decode(chunk, { stream: true })).split('\n');
        pending = parts.pop()!;
        for (const part of parts) {
          lines++;
          const { ack } = JSON.parse(part) as { ack: string };
          acks.set(ack.split('|')[0]!, ack);
        }
      }
      return { ms: performance.now() - started, bytes, lines, acks: [...acks.values()] };
    };

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
    const first = await sync();
    clearInterval(sampler);
    await api.call('POST', '/sync/ack', { token, body: { acks: first.acks } });

    const deltaMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      // Ten changes between syncs, as a day's use makes them; only the sync is timed.
      for (let k = 0; k < 10; k++) await api.call('PUT', `/assets/${mine[i * 10 + k]}`, { key: admin.apiKey, body: { isFavorite: true } });
      const delta = await sync();
      deltaMs.push(delta.ms);
      await api.call('POST', '/sync/ack', { token, body: { acks: delta.acks } });
      if (delta.lines < 11) throw new Error(`the delta missed changes: ${delta.lines} lines`);
    }
    deltaMs.sort((x, y) => x - y);
    const partnerAssets = Math.round(total / 10);
    const result = {
      assets: total,
      partnerAssets,
      albums: 20,
      firstSync: { seconds: first.ms / 1000, megabytes: first.bytes / 1e6, lines: first.lines, rssGrowthMb: (rssPeak - rssBefore) / 1e6 },
      delta: { changes: 10, p50Ms: percentile(deltaMs, 50), p95Ms: percentile(deltaMs, 95) },
    };
    const table = [
      '| measure | value | target |',
      '|---|---|---|',
      `| first sync, ${total.toLocaleString('en')} assets + ${partnerAssets.toLocaleString('en')} partner assets with EXIF, 20 albums | ${result.firstSync.seconds.toFixed(1)} s, ${result.firstSync.megabytes.toFixed(1)} MB, ${first.lines.toLocaleString('en')} lines | < 30 s |`,
      `| memory growth during it (server and reader in one process, RSS) | ${result.firstSync.rssGrowthMb.toFixed(0)} MB | < 100 MB |`,
      `| delta after 10 changes (p50 / p95 of 10) | ${result.delta.p50Ms.toFixed(1)} / ${result.delta.p95Ms.toFixed(1)} ms | < 200 ms |`,
    ].join('\n');
    await writeResults('sync', result, table);
  } finally {
    await runtime.close();
  }
}

await main();
