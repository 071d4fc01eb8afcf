import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_MODELS, writeSharedFacePack } from '../../test/model-packs.js';
import { ARCFACE_TEMPLATE, similarityTransform, warpFace } from './face-alignment.js';
import { decodeScrfd, nonMaximumSuppression } from './face-detection.js';
import { loadFaceModel, type FaceModel } from './face-model.js';
import { packDir, packPresent } from './model-packs.js';
import { readConfig } from '../config.js';

describe('face alignment', () => {
  it('recovers a known similarity (scale 2, a quarter turn, a shift) from five points', () => {
    const moved = ARCFACE_TEMPLATE.map(([x, y]) => [2 * -y + 10, 2 * x + 20] as [number, number]);
    const [a, b, tx, ty] = similarityTransform(ARCFACE_TEMPLATE, moved);
    expect([a, b, tx, ty].map((v) => Number(v.toFixed(6)))).toEqual([0, 2, 10, 20]);
  });

  it('crops the template face out of a picture where it sits at twice the size', () => {
    // A 224×224 picture: white, with the left-eye landmark's neighbourhood painted black.
    const rgb = Buffer.alloc(224 * 224 * 3, 255);
    const [ex, ey] = ARCFACE_TEMPLATE[0]!.map((v) => v * 2) as [number, number];
    for (let y = Math.round(ey) - 6; y < ey + 6; y++) for (let x = Math.round(ex) - 6; x < ex + 6; x++) rgb.fill(0, (y * 224 + x) * 3, (y * 224 + x) * 3 + 3);
    const crop = warpFace(rgb, 224, 224, ARCFACE_TEMPLATE.map(([x, y]) => [x * 2, y * 2]));
    const at = (x: number, y: number) => crop[(Math.round(y) * 112 + Math.round(x)) * 3]!;
    expect(at(ARCFACE_TEMPLATE[0]![0], ARCFACE_TEMPLATE[0]![1])).toBe(0);
    expect(at(100, 100)).toBe(255);
  });
});

describe('SCRFD decoding', () => {
  it('turns anchor distances into boxes and landmarks in the picture’s pixels, and drops overlaps', () => {
    const cells = 20 * 20 * 2;
    const scores = new Float32Array(cells);
    const boxes = new Float32Array(cells * 4);
    const landmarks = new Float32Array(cells * 10);
    const anchor = (4 * 20 + 5) * 2; // centre (160, 128) at stride 32
    scores[anchor] = 0.9;
    scores[anchor + 1] = 0.8; // the same face from the cell's second anchor
    scores[anchor + 2] = 0.5; // below the threshold
    for (const i of [anchor, anchor + 1]) boxes.set([1, 1, 1, 1], i * 4);
    landmarks.set([-0.5, -0.25, 0.5, -0.25, 0, 0, -0.25, 0.5, 0.25, 0.5], anchor * 10);
    const faces = decodeScrfd([{ stride: 32, scores, boxes, landmarks }], 640, 0.5, 0.7);
    expect(faces).toHaveLength(1);
    expect(faces[0]!.box).toEqual([256, 192, 384, 320]); // (160±32, 128±32) ÷ 0.5
    expect(faces[0]!.landmarks[0]).toEqual([288, 240]);
    expect(nonMaximumSuppression([...faces, { box: [0, 0, 10, 10], score: 0.75, landmarks: [] }], 0.4)).toHaveLength(2);
  });
});

const LABELLED = path.resolve(import.meta.dirname, '../../../shared/fixtures/media/faces_labeled/faceapijs_bbt');
const hasLabelled = await readdir(LABELLED).then(() => true, () => false);
const hasSharedModels = await readFile(path.join(SHARED_MODELS, 'scrfd_2.5g_bnkps.onnx')).then(() => true, () => false);
/** Real face packs to prove: the one configured in SHOEBOX_MODELS (a real buffalo_l, say), and the one ../shared has. */
const config = readConfig();
const configuredPack = (await packPresent(config.ml.modelsDir, 'facial-recognition', config.ml.faceModel)) ? packDir(config.ml.modelsDir, 'facial-recognition', config.ml.faceModel) : undefined;
const realPacks: Array<[string, () => Promise<string | undefined>]> = [
  ...(configuredPack ? [[`${config.ml.faceModel} from SHOEBOX_MODELS`, async () => configuredPack] as [string, () => Promise<string | undefined>]] : []),
  ...(hasSharedModels ? [['SCRFD-2.5G + MobileFaceNet from ../shared', () => writeSharedFacePack(sharedCache)] as [string, () => Promise<string | undefined>]] : []),
];
const sharedCache = await mkdtemp(path.join(os.tmpdir(), 'shoebox-faces-'));
afterAll(() => rm(sharedCache, { recursive: true, force: true }));

describe.skipIf(!hasLabelled || realPacks.length === 0)(
  `real face models on labelled photos${hasLabelled && realPacks.length ? '' : ' — skipped: no real face pack (../shared/fixtures/models, or SHOEBOX_MODELS) or no labelled photos'}`,
  () => {
    describe.each(realPacks)('%s', (_name, pack) => {
      let model: FaceModel;
      beforeAll(async () => {
        model = await loadFaceModel((await pack())!, 'real');
      });

      it('finds the faces in group scenes', async () => {
        for (const scene of ['bbt1.jpg', 'bbt4.jpg']) {
          const { faces } = await model.analyze(await readFile(path.join(LABELLED, '_group_scenes', scene)), 0.7);
          expect(faces.length, scene).toBeGreaterThanOrEqual(3);
        }
      });

      it('embeds aligned faces so that one person is nearer to themself than to anyone else', async () => {
        const people = (await readdir(LABELLED)).filter((d) => !d.startsWith('_'));
        const vectors: Array<{ who: string; v: Float32Array }> = [];
        let size: number | undefined;
        for (const who of people) {
          for (const file of await readdir(path.join(LABELLED, who))) {
            const { faces } = await model.analyze(await readFile(path.join(LABELLED, who, file)), 0.5);
            expect(faces.length, `${who}/${file}`).toBe(1);
            size ??= faces[0]!.embedding.length; // read from the model, not assumed (128 here, 512 for ArcFace)
            expect(faces[0]!.embedding.length).toBe(size);
            vectors.push({ who, v: faces[0]!.embedding });
          }
        }
        const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);
        let correct = 0;
        for (const [i, { who, v }] of vectors.entries()) {
          const nearest = vectors.filter((_, j) => j !== i).reduce((best, o) => (cos(v, o.v) > cos(v, best.v) ? o : best));
          if (nearest.who === who) correct++;
        }
        // Leave-one-out nearest neighbour over 8 people × 5 photos.
        expect(correct / vectors.length).toBeGreaterThanOrEqual(0.9);
      }, 120_000);
    });
  },
);
