/**
 * HEIC thumbnail generation, the thumbnail stage's work: decode (ffmpeg on the HEVC tiles,
 * or with --decoder libheif the fallback: heif-convert where installed, else WebAssembly)
 * and render the preview, thumbnail and thumbhash (sharp), several photos at a time as the
 * stage's workers run them. Writes bench/results/heic[-libheif|-wasm].{json,md}.
 *
 *   npm run bench:heic -- --photos 24 --concurrency 4 [--decoder ffmpeg|libheif]
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { forEachConcurrently } from '../../cli/for-each-concurrently.js';
import { decodeHeif, decodeHeifForThumbnails, decodeWithHeifConvert, nativeHeifConvert } from '../../core/media/heif-decoder.js';
import { stopWasmDecoders } from '../../core/media/wasm-decoders.js';
import { DEFAULT_THUMBNAIL_SETTINGS, renderThumbnails } from '../../core/media/render-thumbnails.js';
import { writeResults } from '../measure.js';

const { values } = parseArgs({
  options: { photos: { type: 'string', default: '24' }, concurrency: { type: 'string', default: '4' }, decoder: { type: 'string', default: 'ffmpeg' } },
});
const FIXTURES = ['photoprism__iphone_7.heic', 'test-assets__samsung-one-ui-6.heic', 'exif-samples__HMD_Nokia_8.3_5G_hdr.heif'];

const files = await Promise.all(FIXTURES.map((name) => readFile(path.resolve(import.meta.dirname, '../../test/fixtures/media', name))));
const settings = { ...DEFAULT_THUMBNAIL_SETTINGS, maxPixels: 16384 * 16384 };
const native = await nativeHeifConvert();
const libheif = values.decoder === 'libheif';
const decode = (file: Buffer) =>
  libheif ? (native ? decodeWithHeifConvert(native, file, settings.maxPixels) : decodeHeif(file, settings.maxPixels)) : decodeHeifForThumbnails(file, settings.maxPixels);
const one = async (file: Buffer) => {
  await renderThumbnails(await decode(file), settings);
};
await one(files[0]!); // warm-up: worker start and WebAssembly compile
const photos = Number(values.photos);
const started = performance.now();
// Machine-wide: the native decoder runs in child processes, which this process's own usage omits.
const busy = () => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
const cpu = busy();
await forEachConcurrently(Array.from({ length: photos }, (_, i) => files[i % files.length]!), Number(values.concurrency), one);
const seconds = (performance.now() - started) / 1000;
const usedMs = busy() - cpu;
await stopWasmDecoders();

const result = {
  bench: 'heic',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, node: process.version },
  photos,
  concurrency: Number(values.concurrency),
  megapixels: '12–16 (iPhone 7, Samsung One UI 6, Nokia 8.3)',
  decoder: !libheif ? 'ffmpeg (HEVC tiles)' : native ? `libheif (${native})` : 'libheif (WebAssembly)',
  seconds,
  imagesPerSecond: photos / seconds,
  coresBusy: usedMs / 1000 / seconds,
  target: { imagesPerSecond: 3 },
};
const table = [
  `# HEIC thumbnails — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| HEIC → 1440 px JPEG preview + 250 px WebP + thumbhash (${photos} photos, 12–16 MP, ${result.concurrency} at a time, ${result.decoder}) | ${result.imagesPerSecond.toFixed(2)} images/s (${result.coresBusy.toFixed(2)} cores busy) | ≥ 3 images/s |`,
].join('\n');
await writeResults(!libheif ? 'heic' : native ? 'heic-libheif' : 'heic-wasm', result, table);
