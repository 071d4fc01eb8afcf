/**
 * Model quality on labelled sets, with real packs:
 * - text → image: recall@k of CLIP search. The set is a folder of folders, one per label
 *   (`--images`, default ../shared/fixtures/media/labeled_albums: nature/, text/); each
 *   label is searched as "a photo of <label>" (or the text in <folder>/queries.json,
 *   {"<label>": "<query>"}), and its pictures should come first. Needs the CLIP pack named by
 *   SHOEBOX_CLIP_MODEL in SHOEBOX_MODELS; skipped, saying so, when absent.
 * - faces: clustering of a folder of folders, one per person (`--faces`, default
 *   ../shared/fixtures/media/faces_labeled/faceapijs_bbt; folders starting with _ are ignored),
 *   through the real detector, recognizer and clustering code on an embedded database;
 *   pairwise precision, recall and F1 at several maxDistance. Uses the face pack named by
 *   SHOEBOX_FACE_MODEL in SHOEBOX_MODELS, else the real SCRFD-2.5G + MobileFaceNet in
 *   ../shared/fixtures/models.
 * Writes bench/results/ml-quality.{json,md}.
 *
 *   SHOEBOX_MODELS=~/immich-cache npm run bench:ml-quality
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '../../core/config.js';
import { loadClipModel } from '../../core/ml/clip-model.js';
import { loadFaceModel, type FaceModel } from '../../core/ml/face-model.js';
import { packDir, packPresent } from '../../core/ml/model-packs.js';
import { closeModelSessions } from '../../core/ml/onnx-sessions.js';
import { ensureVectorSize, vectorLiteral } from '../../core/ml/vector-columns.js';
import { reclusterFaces } from '../../core/people/recognize-faces.js';
import { writeSharedFacePack } from '../../test/model-packs.js';
import { insertSyntheticAssets } from '../../test/synthetic-assets.js';
import { startTestDatabase } from '../../test/test-database.js';
import { writeResults } from '../measure.js';

const SHARED = path.resolve(import.meta.dirname, '../../../shared/fixtures/media');
const { values } = parseArgs({
  options: {
    images: { type: 'string', default: path.join(SHARED, 'labeled_albums') },
    faces: { type: 'string', default: path.join(SHARED, 'faces_labeled/faceapijs_bbt') },
    k: { type: 'string', default: '5' },
  },
});
const config = readConfig();
const k = Number(values.k);
const IMAGE = /\.(jpe?g|png|webp|heic|avif)$/i;

async function labelledFolders(root: string): Promise<Map<string, string[]>> {
  const labels = new Map<string, string[]>();
  for (const dir of (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && !d.name.startsWith('_'))) {
    const files = (await readdir(path.join(root, dir.name))).filter((f) => IMAGE.test(f)).map((f) => path.join(root, dir.name, f));
    if (files.length) labels.set(dir.name, files);
  }
  return labels;
}

async function textToImage(): Promise<object | string> {
  if (!(await packPresent(config.ml.modelsDir, 'clip', config.ml.clipModel))) return `skipped: no CLIP pack ${config.ml.clipModel} in ${config.ml.modelsDir}`;
  const clip = await loadClipModel(packDir(config.ml.modelsDir, 'clip', config.ml.clipModel), config.ml.clipModel);
  const labels = await labelledFolders(values.images!);
  const queries = JSON.parse(await readFile(path.join(values.images!, 'queries.json'), 'utf8').catch(() => '{}')) as Record<string, string>;
  const images: Array<{ label: string; vector: Float32Array }> = [];
  for (const [label, files] of labels) for (const f of files) images.push({ label, vector: await clip.encodeImage(await readFile(f)) });
  const perLabel: Record<string, number> = {};
  for (const label of labels.keys()) {
    const text = await clip.encodeText(queries[label] ?? `a photo of ${label}`);
    const ranked = [...images].sort((a, b) => dot(b.vector, text) - dot(a.vector, text));
    const relevant = images.filter((i) => i.label === label).length;
    perLabel[label] = ranked.slice(0, k).filter((i) => i.label === label).length / Math.min(k, relevant);
  }
  const mean = Object.values(perLabel).reduce((a, b) => a + b, 0) / labels.size;
  return { model: config.ml.clipModel, set: values.images, images: images.length, k, recallAtK: mean, perLabel };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

async function faceClustering(work: string): Promise<object | string> {
  let model: FaceModel;
  if (await packPresent(config.ml.modelsDir, 'facial-recognition', config.ml.faceModel)) {
    model = await loadFaceModel(packDir(config.ml.modelsDir, 'facial-recognition', config.ml.faceModel), config.ml.faceModel);
  } else {
    const shared = await writeSharedFacePack(work);
    if (!shared) return 'skipped: no face pack in SHOEBOX_MODELS and no ../shared/fixtures/models';
    model = await loadFaceModel(shared, 'SCRFD-2.5G + MobileFaceNet (../shared)');
  }
  const people = await labelledFolders(values.faces!);
  const faces: Array<{ person: string; vector: Float32Array }> = [];
  let pictures = 0;
  for (const [person, files] of people) {
    for (const f of files) {
      pictures++;
      // The labelled pictures show one person: the most confident face is theirs.
      const best = (await model.analyze(await readFile(f), 0.5)).faces[0];
      if (best) faces.push({ person, vector: best.embedding });
    }
  }
  const t = await startTestDatabase();
  try {
    const { rows: [user] } = await t.db.query<{ id: string }>(`INSERT INTO users (email, name, password_hash) VALUES ('q@x', 'Q', 'x') RETURNING id`);
    await ensureVectorSize(t.db, 'asset_faces', faces[0]!.vector.length);
    const assets = await insertSyntheticAssets(t.db, user!.id, faces.map(() => ({ localDateTime: '2024-01-01T00:00:00' })));
    const faceIds: string[] = [];
    for (const [i, f] of faces.entries()) {
      const { rows } = await t.db.query<{ id: string }>(
        `INSERT INTO asset_faces (asset_id, owner_id, image_width, image_height, x1, y1, x2, y2, score, model, embedding) VALUES ($1, $2, 1, 1, 0, 0, 1, 1, 1, 'q', $3) RETURNING id`,
        [assets[i], user!.id, vectorLiteral(f.vector)],
      );
      faceIds.push(rows[0]!.id);
    }
    const byDistance: Record<string, { precision: number; recall: number; f1: number; people: number; unassigned: number }> = {};
    for (const maxDistance of [0.4, 0.5, 0.6, 0.7]) {
      await t.db.query('UPDATE asset_faces SET person_id = NULL');
      await t.db.query('DELETE FROM people');
      await reclusterFaces(t.db, user!.id, { enabled: true, modelName: 'q', minScore: 0.5, maxDistance, minFaces: 3 });
      const { rows } = await t.db.query<{ id: string; person_id: string | null }>('SELECT id, person_id FROM asset_faces');
      const cluster = new Map(rows.map((r) => [r.id, r.person_id]));
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < faces.length; i++) {
        for (let j = i + 1; j < faces.length; j++) {
          const same = faces[i]!.person === faces[j]!.person;
          const a = cluster.get(faceIds[i]!);
          const together = a !== null && a === cluster.get(faceIds[j]!);
          if (together && same) tp++;
          else if (together) fp++;
          else if (same) fn++;
        }
      }
      const precision = tp / (tp + fp || 1);
      const recall = tp / (tp + fn || 1);
      byDistance[String(maxDistance)] = {
        precision,
        recall,
        f1: (2 * precision * recall) / (precision + recall || 1),
        people: new Set([...cluster.values()].filter(Boolean)).size,
        unassigned: [...cluster.values()].filter((p) => !p).length,
      };
    }
    return { model: model.name, set: values.faces, identities: people.size, pictures, facesFound: faces.length, minFaces: 3, byMaxDistance: byDistance };
  } finally {
    await t.close();
  }
}

const work = await mkdtemp(path.join(os.tmpdir(), 'shoebox-quality-'));
try {
  const clip = await textToImage();
  const faces = await faceClustering(work);
  const result = { bench: 'ml-quality', date: new Date().toISOString(), clip, faces };
  const lines = [`# ML quality — ${result.date.slice(0, 10)}`, ''];
  lines.push(typeof clip === 'string' ? `Text → image: ${clip}.` : `Text → image (${(clip as { model: string }).model}): recall@${k} ${((clip as { recallAtK: number }).recallAtK * 100).toFixed(1)} %.`);
  if (typeof faces === 'string') lines.push('', `Faces: ${faces}.`);
  else {
    const f = faces as { model: string; identities: number; pictures: number; facesFound: number; byMaxDistance: Record<string, { precision: number; recall: number; f1: number; people: number; unassigned: number }> };
    lines.push('', `Face clustering (${f.model}; ${f.identities} people, ${f.pictures} pictures, ${f.facesFound} faces found; minFaces 3):`, '');
    lines.push('| maxDistance | pairwise precision | recall | F1 | people made | faces left unassigned |', '|---|---|---|---|---|---|');
    for (const [d, m] of Object.entries(f.byMaxDistance)) lines.push(`| ${d} | ${(m.precision * 100).toFixed(1)} % | ${(m.recall * 100).toFixed(1)} % | ${m.f1.toFixed(3)} | ${m.people} | ${m.unassigned} |`);
  }
  await writeResults('ml-quality', result, lines.join('\n'));
} finally {
  await closeModelSessions();
  await rm(work, { recursive: true, force: true });
}
