/**
 * ML stage throughput on this machine, one job at a time as the stages run (onnxruntime
 * using every core inside one inference):
 * - CLIP image encoding of 1440-px previews through the real preprocessing, with a model of
 *   ViT-B/32's exact architecture and size (random weights: `vit-b-32.ts`);
 * - face detection + alignment + recognition with the real SCRFD-2.5G and MobileFaceNet from
 *   ../shared/fixtures/models (buffalo_l's detector and ArcFace-R50 are heavier), when there.
 * Writes bench/results/ml-throughput.{json,md}.
 *
 *   npm run bench:ml -- --images 24
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { loadClipModel } from '../../core/ml/clip-model.js';
import { loadFaceModel } from '../../core/ml/face-model.js';
import { closeModelSessions } from '../../core/ml/onnx-sessions.js';
import { writeSharedFacePack, writeTinyClipPack } from '../../test/model-packs.js';
import { writeResults } from '../measure.js';
import { vitB32Visual } from './vit-b-32.js';

const { values } = parseArgs({ options: { images: { type: 'string', default: '24' } } });
const count = Number(values.images);
const MEDIA = path.resolve(import.meta.dirname, '../../test/fixtures/media');
const GROUPS = path.resolve(import.meta.dirname, '../../../shared/fixtures/media/faces_labeled/faceapijs_bbt/_group_scenes');

/** Previews as the thumbnail stage makes them: the shorter side 1440 px (never enlarged), JPEG. */
async function previews(files: string[]): Promise<Buffer[]> {
  return Promise.all(files.map(async (f) => sharp(await readFile(f)).rotate().resize(1440, 1440, { fit: 'outside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer()));
}

async function perSecond(items: Buffer[], fn: (b: Buffer) => Promise<unknown>): Promise<number> {
  await fn(items[0]!); // warm-up
  const started = performance.now();
  for (let i = 0; i < count; i++) await fn(items[i % items.length]!);
  return count / ((performance.now() - started) / 1000);
}

const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-bench-ml-'));
try {
  const photos = await previews(
    ['exif-samples__DSCN0010.jpg', 'test-assets__prairie_falcon.jpg', 'test-assets__silver_fir.jpg', 'test-assets__wood_anemones.jpg'].map((f) => path.join(MEDIA, f)),
  );
  const clipDir = await writeTinyClipPack(work);
  await writeFile(path.join(clipDir, 'visual/model.onnx'), vitB32Visual());
  const clip = await loadClipModel(clipDir, 'ViT-B-32-shaped');
  const clipPerSecond = await perSecond(photos, (p) => clip.encodeImage(p));
  await closeModelSessions();

  let faces: { perSecond: number; found: number; pictures: number } | undefined;
  const facePack = await writeSharedFacePack(work);
  const groupFiles = await readdir(GROUPS).catch(() => []);
  if (facePack && groupFiles.length) {
    const model = await loadFaceModel(facePack, 'scrfd-2.5g+mobilefacenet');
    const pictures = await previews(groupFiles.map((f) => path.join(GROUPS, f)));
    let found = 0;
    for (const p of pictures) found += (await model.analyze(p, 0.7)).faces.length;
    faces = { perSecond: await perSecond(pictures, (p) => model.analyze(p, 0.7)), found, pictures: pictures.length };
  }

  const result = {
    bench: 'ml-throughput',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    images: count,
    clip: { model: 'ViT-B/32 architecture, random weights', imagesPerSecond: clipPerSecond },
    faces: faces ? { model: 'SCRFD-2.5G + MobileFaceNet (real)', imagesPerSecond: faces.perSecond, facesFound: faces.found, pictures: faces.pictures } : 'skipped: ../shared/fixtures is absent',
    target: { clipImagesPerSecond: 8, faceImagesPerSecond: 4 },
  };
  const table = [
    `# ML throughput — ${result.date.slice(0, 10)}, ${result.machine.cpus} cores, one job at a time`,
    '',
    '| stage | model | value | target |',
    '|---|---|---|---|',
    `| CLIP image encoding (1440-px preview → 224 crop → vector) | ViT-B/32 architecture, random weights | ${clipPerSecond.toFixed(2)} images/s | ≥ 8 images/s |`,
    faces
      ? `| faces: detect (640) + align + embed, ${faces.pictures} group photos with ${faces.found} faces | SCRFD-2.5G + MobileFaceNet (real) | ${faces.perSecond.toFixed(2)} images/s | ≥ 4 images/s |`
      : '| faces | skipped: ../shared/fixtures is absent | | ≥ 4 images/s |',
  ].join('\n');
  await writeResults('ml-throughput', result, table);
} finally {
  await closeModelSessions();
  await rm(work, { recursive: true, force: true });
}
