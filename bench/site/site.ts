/**
 * The web app in Chromium over a library of synthetic assets (rows whose thumbnails are all
 * one real thumbnail file): first contentful paint of the timeline, time to the first tiles,
 * frame rate while scrolling the whole timeline (60 px a frame: 3,600 px/s, a brisk scroll),
 * and the JavaScript the timeline page loads (gzip).
 * Writes bench/results/site.{json,md}.
 *
 *   npm run bench:site -- --assets 10000 --runs 5
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { launchChromium } from '../../test/chromium.js';
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { apiClient, startTestRuntime } from '../../test/test-runtime.js';
import { percentile, writeResults } from '../measure.js';

const { values } = parseArgs({ options: { assets: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' }, step: { type: 'string', default: '60' } } });
const step = Number(values.step);
const total = Number(values.assets);
const runs = Number(values.runs);

const runtime = await startTestRuntime({ SHOEBOX_WORKERS: 'false', SHOEBOX_SWEEP_INTERVAL: '86400', SHOEBOX_LOG_LEVEL: 'ERROR' });
const browser = await launchChromium();
try {
  const api = apiClient(runtime.url);
  const user = await api.signUpAdmin('bench@example.com', 'benchmark password');
  // Two years of photos, a few a day, in many shapes (portrait, landscape, panorama).
  const assets = Array.from({ length: total }, (_, n) => ({
    localDateTime: new Date(Date.UTC(2024, 0, 1) + Math.floor((n / total) * 730 * 86_400_000)).toISOString().slice(0, 19),
  }));
  const ids = await insertSyntheticAssets(runtime.ports.db, user.id, assets);
  // Every tile shows a real thumbnail (one small WebP in the store), as a processed library does.
  const thumbnail = await sharp({ create: { width: 250, height: 188, channels: 3, background: '#6a8' } }).webp().toBuffer();
  await runtime.ports.store.write('derived/bench/thumbnail.webp', thumbnail, 'image/webp');
  const hash = Buffer.from(rgbaToThumbHash(4, 3, new Uint8Array(4 * 3 * 4).fill(128)));
  await runtime.ports.db.query(`UPDATE assets SET thumbhash = $2 WHERE id = ANY($1)`, [ids, hash]);
  await runtime.ports.db.query(
    `INSERT INTO asset_files (asset_id, type, path, width, height, size_bytes) SELECT id, 'thumbnail', 'derived/bench/thumbnail.webp', 250, 188, $2 FROM unnest($1::uuid[]) id`,
    [ids, thumbnail.length],
  );
  await runtime.ports.db.query(`UPDATE assets SET width = CASE WHEN random() < 0.3 THEN 3000 WHEN random() < 0.1 THEN 8000 ELSE 4000 END, height = CASE WHEN random() < 0.3 THEN 4000 ELSE 3000 END WHERE id = ANY($1)`, [ids]);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${runtime.url}/login/`);
  await page.evaluate(() => fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@example.com', password: 'benchmark password' }) }));

  const fcp: number[] = [];
  const firstTiles: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto(`${runtime.url}/`, { waitUntil: 'commit' });
    await page.locator('.tile').first().waitFor();
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      now: performance.now(),
    }));
    fcp.push(timing.fcp);
    firstTiles.push(timing.now);
  }
  fcp.sort((a, b) => a - b);
  firstTiles.sort((a, b) => a - b);

  const scroll = await page.evaluate(async (step) => {
    // Chromium's long-animation-frame entries say where a slow frame went: scripts, or style and layout.
    const slow = { frames: 0, scriptMs: 0, layoutMs: 0, otherMs: 0 };
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Array<PerformanceEntry & { renderStart: number; styleAndLayoutStart: number; scripts: Array<{ duration: number }> }>) {
        if (e.duration <= 25) continue;
        slow.frames++;
        const script = e.scripts.reduce((n, x) => n + x.duration, 0);
        const layout = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
        slow.scriptMs += script;
        slow.layoutMs += layout;
        slow.otherMs += Math.max(0, e.duration - script - layout);
      }
    });
    observer.observe({ type: 'long-animation-frame' });
    const frames: number[] = [];
    let last = performance.now();
    const started = last;
    while (window.scrollY + window.innerHeight < document.body.scrollHeight - 10 && performance.now() - started < 240_000) {
      window.scrollBy(0, step);
      const now = await new Promise<number>((resolve) => requestAnimationFrame(resolve));
      frames.push(now - last);
      last = now;
    }
    const seconds = (performance.now() - started) / 1000;
    const long = frames.filter((f) => f > 1000 / 60 * 1.5).length;
    observer.disconnect();
    return {
      slowFrames: { count: slow.frames, scriptMsEach: slow.scriptMs / Math.max(1, slow.frames), styleLayoutMsEach: slow.layoutMs / Math.max(1, slow.frames), otherMsEach: slow.otherMs / Math.max(1, slow.frames) }, frames: frames.length, seconds, fps: frames.length / seconds, longFrames: long, scrolledPx: window.scrollY, height: document.body.scrollHeight, reachedEnd: window.scrollY + window.innerHeight >= document.body.scrollHeight - 10 };
  }, step);

  // What the page's scripts weigh gzip-compressed (the local runtime serves them plain; CloudFront compresses).
  const js = await page.evaluate(async () => {
    let sum = 0;
    for (const entry of performance.getEntriesByType('resource').filter((e) => e.name.endsWith('.js'))) {
      const body = (await fetch(entry.name)).body!.pipeThrough(new CompressionStream('gzip'));
      sum += (await new Response(body).arrayBuffer()).byteLength;
    }
    return sum;
  });
  const result = {
    bench: 'site',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, chromium: browser.version() },
    assets: total,
    firstContentfulPaintMs: { p50: percentile(fcp, 50), max: fcp[fcp.length - 1] },
    firstTilesMs: { p50: percentile(firstTiles, 50) },
    scroll,
    timelineJsBytes: js,
    target: { fcpMs: 1000, fps: 60, jsGzipBytes: 150 * 1024 },
  };
  const table = [
    `# Web app — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, Chromium ${result.machine.chromium}, ${total.toLocaleString('en')} assets`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| first contentful paint of the timeline (p50 of ${runs}) | ${result.firstContentfulPaintMs.p50.toFixed(0)} ms | < 1 s |`,
    `| first tiles on screen (p50) | ${result.firstTilesMs.p50.toFixed(0)} ms | |`,
    `| scrolling the whole timeline top to bottom, ${step} px a frame (${scroll.frames} frames, ${(scroll.scrolledPx / 1000).toFixed(0)}k px${scroll.reachedEnd ? '' : ', stopped at 4 min'}) | ${scroll.fps.toFixed(1)} fps, ${scroll.longFrames} frames over 25 ms | 60 fps |`,
    `| where the frames over 25 ms went (long-animation-frame, mean per frame) | script ${scroll.slowFrames.scriptMsEach.toFixed(1)} ms, style and layout ${scroll.slowFrames.styleLayoutMsEach.toFixed(1)} ms, other ${scroll.slowFrames.otherMsEach.toFixed(1)} ms | |`,
    `| JavaScript on the timeline page, gzip | ${(js / 1024).toFixed(1)} KB | < 150 KB |`,
  ].join('\n');
  await writeResults('site', result, table);
} finally {
  await browser.close();
  await runtime.close();
}
