import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { textTokenizer } from './text-tokenizer.js';
import { l2Normalize, modelSession, ort, runSingle } from './onnx-sessions.js';

/** `visual/preprocess_cfg.json` of an open_clip pack: how the model wants its pixels. */
const PreprocessConfig = z.object({
  size: z.union([z.number().int().positive(), z.array(z.number().int().positive()).min(1)]),
  mean: z.array(z.number()).length(3),
  std: z.array(z.number().positive()).length(3),
  interpolation: z.string().default('bicubic'),
  resize_mode: z.enum(['shortest', 'longest', 'squash']).default('shortest'),
});
export type PreprocessConfig = z.infer<typeof PreprocessConfig>;

const PackConfig = z.object({ embed_dim: z.number().int().positive().optional(), text_cfg: z.object({ context_length: z.number().int().positive().default(77) }).loose().default({ context_length: 77 }) }).loose();

/**
 * Pixels as the model's config says (open_clip's transform, which Immich follows): resize
 * the shorter side to the model's size with its interpolation, crop the centre square (or
 * squash), scale to 0..1, subtract the mean and divide by the deviation, channels first.
 */
export async function clipPixels(image: Buffer, config: PreprocessConfig): Promise<Float32Array> {
  const size = typeof config.size === 'number' ? config.size : config.size[0]!;
  const kernel = config.interpolation === 'bilinear' ? 'linear' : config.interpolation === 'nearest' ? 'nearest' : 'cubic';
  const fit = config.resize_mode === 'squash' ? 'fill' : config.resize_mode === 'longest' ? 'contain' : 'cover';
  const { data } = await sharp(image, { failOn: 'error' })
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size, size, { fit, position: 'centre', kernel, background: { r: 0, g: 0, b: 0 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = (data[i * 3 + c]! / 255 - config.mean[c]!) / config.std[c]!;
  }
  return out;
}

/** A CLIP pack: both towers, its tokenizer and its preprocessing. Vectors come back L2-normalised. */
export interface ClipModel {
  name: string;
  dimension: number;
  encodeImage(image: Buffer): Promise<Float32Array>;
  encodeText(text: string): Promise<Float32Array>;
}

export async function loadClipModel(dir: string, name: string, threads?: number): Promise<ClipModel> {
  const [preprocess, pack, tokenizerJson, tokenizerConfig] = await Promise.all([
    readFile(path.join(dir, 'visual/preprocess_cfg.json'), 'utf8').then((t) => PreprocessConfig.parse(JSON.parse(t))),
    readFile(path.join(dir, 'config.json'), 'utf8').then((t) => PackConfig.parse(JSON.parse(t))),
    readFile(path.join(dir, 'textual/tokenizer.json'), 'utf8').then((t) => JSON.parse(t) as unknown),
    readFile(path.join(dir, 'textual/tokenizer_config.json'), 'utf8').then((t) => JSON.parse(t) as unknown, () => undefined),
  ]);
  const tokenizer = textTokenizer(tokenizerJson, tokenizerConfig);
  const [visual, textual] = await Promise.all([modelSession(path.join(dir, 'visual/model.onnx'), threads), modelSession(path.join(dir, 'textual/model.onnx'), threads)]);
  const size = typeof preprocess.size === 'number' ? preprocess.size : preprocess.size[0]!;
  const context = pack.text_cfg.context_length;
  // Inputs by name: OpenCLIP exports take `text`; M-CLIP's take `input_ids` and `attention_mask`. int32 or int64.
  const inputs = textual.inputMetadata.map((m) => ({ name: m.name, int64: (m as { type?: string }).type === 'int64' }));
  const dimension = pack.embed_dim ?? 0;

  return {
    name,
    dimension,
    async encodeImage(image) {
      const pixels = await clipPixels(image, preprocess);
      const output = await runSingle(visual, new ort.Tensor('float32', pixels, [1, 3, size, size]));
      return l2Normalize(output.data as Float32Array);
    },
    async encodeText(text) {
      const { ids, mask } = tokenizer.tokenize(text, context);
      const feeds = Object.fromEntries(
        inputs.map(({ name, int64 }) => {
          const values = name === 'attention_mask' ? mask : ids;
          return [name, int64 ? new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, context]) : new ort.Tensor('int32', values, [1, context])];
        }),
      );
      const output = await textual.run(feeds);
      return l2Normalize(output[textual.outputNames[0]!]!.data as Float32Array);
    },
  };
}
