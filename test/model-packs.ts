import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ClipTokenizer } from '../core/ml/clip-tokenizer.js';
import { packDir } from '../core/ml/model-packs.js';
import { tinyClipTextual, tinyClipVisual, tinyFaceDetector, tinyFaceRecognizer } from './onnx-models.js';

/** OpenAI CLIP's normalisation, as in the `preprocess_cfg.json` of Immich's ViT-B-32__openai. */
export const OPENAI_PREPROCESS = {
  size: [224, 224],
  mode: 'RGB',
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  interpolation: 'bicubic',
  resize_mode: 'shortest' as const,
  fill_color: 0,
};

export const VOCAB_FILE = path.join(import.meta.dirname, 'fixtures/models/bpe_simple_vocab_16e6.txt.gz');

let tokenizer: Promise<ClipTokenizer> | undefined;
export function realClipTokenizer(): Promise<ClipTokenizer> {
  tokenizer ??= readFile(VOCAB_FILE).then((gz) => ClipTokenizer.fromOpenAiMerges(gunzipSync(gz).toString('utf8')));
  return tokenizer;
}

/**
 * A CLIP pack in Immich's layout with the real tokenizer and tiny towers that map the words
 * "red", "green" and "blue" and pictures of those colours onto the same three axes.
 */
export async function writeTinyClipPack(cache: string, name = 'ViT-B-32__openai'): Promise<string> {
  const dir = packDir(cache, 'clip', name);
  const words = await realClipTokenizer();
  const ids = ['red', 'green', 'blue'].map((w) => words.encode(w)[0]!) as [number, number, number];
  await mkdir(path.join(dir, 'visual'), { recursive: true });
  await mkdir(path.join(dir, 'textual'), { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, 'config.json'), JSON.stringify({ embed_dim: 512, vision_cfg: { image_size: 224 }, text_cfg: { context_length: 77 } })),
    writeFile(path.join(dir, 'visual/preprocess_cfg.json'), JSON.stringify(OPENAI_PREPROCESS)),
    writeFile(path.join(dir, 'visual/model.onnx'), tinyClipVisual()),
    writeFile(path.join(dir, 'textual/model.onnx'), tinyClipTextual(ids)),
    writeFile(path.join(dir, 'textual/tokenizer.json'), JSON.stringify(words.toTokenizerJson())),
  ]);
  return dir;
}

/** A facial-recognition pack in Immich's layout with the tiny detector and recognizer. */
export async function writeTinyFacePack(cache: string, name = 'buffalo_l'): Promise<string> {
  const dir = packDir(cache, 'facial-recognition', name);
  await mkdir(path.join(dir, 'detection'), { recursive: true });
  await mkdir(path.join(dir, 'recognition'), { recursive: true });
  await writeFile(path.join(dir, 'detection/model.onnx'), tinyFaceDetector());
  await writeFile(path.join(dir, 'recognition/model.onnx'), tinyFaceRecognizer());
  return dir;
}

export const SHARED_MODELS = path.resolve(import.meta.dirname, '../../shared/fixtures/models');

/** The real SCRFD-2.5G detector and MobileFaceNet (128-d) from ../shared, as a pack; undefined when absent. */
export async function writeSharedFacePack(cache: string, name = 'scrfd-mobilefacenet'): Promise<string | undefined> {
  const detector = path.join(SHARED_MODELS, 'scrfd_2.5g_bnkps.onnx');
  const recognizer = path.join(SHARED_MODELS, 'mobilefacenet_128.onnx');
  const present = await Promise.all([detector, recognizer].map((f) => readFile(f).then(() => true, () => false)));
  if (!present.every(Boolean)) return undefined;
  const dir = packDir(cache, 'facial-recognition', name);
  await mkdir(path.join(dir, 'detection'), { recursive: true });
  await mkdir(path.join(dir, 'recognition'), { recursive: true });
  await writeFile(path.join(dir, 'detection/model.onnx'), await readFile(detector));
  await writeFile(path.join(dir, 'recognition/model.onnx'), await readFile(recognizer));
  return dir;
}

/** SHA256SUMS beside a pack's files, as a mirror publishes it; returns every file, the sums included. */
export async function writeSha256Sums(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile() && e.name !== 'SHA256SUMS') files.set(path.relative(dir, path.join(e.parentPath, e.name)), await readFile(path.join(e.parentPath, e.name)));
  }
  const sums = [...files].map(([file, bytes]) => `${createHash('sha256').update(bytes).digest('hex')}  ${file}`).join('\n');
  files.set('SHA256SUMS', Buffer.from(`${sums}\n`));
  await writeFile(path.join(dir, 'SHA256SUMS'), files.get('SHA256SUMS')!);
  return files;
}
