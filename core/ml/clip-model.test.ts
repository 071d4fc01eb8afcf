import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyMaskedTextCounter } from '../../test/onnx-models.js';
import { OPENAI_PREPROCESS, writeTinyClipPack } from '../../test/model-packs.js';
import { readConfig } from '../config.js';
import { clipPixels, loadClipModel, type ClipModel } from './clip-model.js';
import { packDir, packPresent } from './model-packs.js';

const solid = (r: number, g: number, b: number, width = 300, height = 200) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).png().toBuffer();
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('CLIP preprocessing', () => {
  it('normalises each channel with the pack’s mean and deviation (reference numbers)', async () => {
    const pixels = await clipPixels(await solid(255, 0, 128), OPENAI_PREPROCESS);
    expect(pixels.length).toBe(3 * 224 * 224);
    const plane = 224 * 224;
    // (v/255 − mean) / std, worked out by hand for OpenAI's constants.
    expect(pixels[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 4); // 1.93033
    expect(pixels[plane]).toBeCloseTo((0 - 0.4578275) / 0.26130258, 4); // −1.75209
    expect(pixels[2 * plane + 500]).toBeCloseTo((128 / 255 - 0.40821073) / 0.27577711, 4); // 0.34005
  });

  it('resizes the shorter side and crops the centre (a wide picture keeps only its middle)', async () => {
    // 600×200: red | green | blue thirds; the centre 200×200 is all green.
    const wide = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#00ff00' } })
      .composite([
        { input: await solid(255, 0, 0, 200, 200), left: 0, top: 0 },
        { input: await solid(0, 0, 255, 200, 200), left: 400, top: 0 },
      ])
      .png()
      .toBuffer();
    const pixels = await clipPixels(wide, OPENAI_PREPROCESS);
    const plane = 224 * 224;
    const green = (1 - 0.4578275) / 0.26130258;
    // (Away from the crop edges, where a cubic kernel reaches across into the red and blue.)
    for (const at of [10 * 224 + 10, 112 * 224 + 112, 200 * 224 + 213]) expect(pixels[plane + at]).toBeCloseTo(green, 3);
  });

  it('refuses what is not a picture', async () => {
    await expect(clipPixels(Buffer.from('not an image'), OPENAI_PREPROCESS)).rejects.toThrow();
  });
});

describe('a multilingual CLIP pack (SentencePiece tokenizer, M-CLIP text inputs)', () => {
  it('tokenizes with the pack’s tokenizer.json, pads with its <pad> and feeds input_ids with attention_mask', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'shoebox-mclip-'));
    try {
      const dir = await writeTinyClipPack(cache, 'XLM-Roberta-Large-Vit-B-16Plus');
      const fixtures = path.join(import.meta.dirname, '../../test/fixtures/tokenizers');
      await copyFile(path.join(fixtures, 'unigram.tokenizer.json'), path.join(dir, 'textual/tokenizer.json'));
      await writeFile(path.join(dir, 'textual/tokenizer_config.json'), JSON.stringify({ pad_token: '<pad>' }));
      await writeFile(path.join(dir, 'textual/model.onnx'), tinyMaskedTextCounter(1));
      const clip = await loadClipModel(dir, 'XLM-Roberta-Large-Vit-B-16Plus');
      // "a dog on the beach" is 16 tokens in this vocabulary (the reference library's count): 61 pads of 77.
      const [tokens, pads] = await clip.encodeText('a dog on the beach');
      expect(pads! / tokens!).toBeCloseTo(61 / 16, 5);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});

describe('a CLIP pack', () => {
  let cache: string;
  let clip: ClipModel;
  beforeAll(async () => {
    cache = await mkdtemp(path.join(os.tmpdir(), 'shoebox-clip-'));
    clip = await loadClipModel(await writeTinyClipPack(cache), 'ViT-B-32__openai');
  });
  afterAll(() => rm(cache, { recursive: true, force: true }));

  it('encodes pictures and texts into unit vectors in one space', async () => {
    const red = await clip.encodeImage(await solid(230, 20, 20));
    const blue = await clip.encodeImage(await solid(20, 20, 230));
    const text = await clip.encodeText('a red car');
    expect(red.length).toBe(512);
    expect(dot(red, red)).toBeCloseTo(1, 5);
    expect(dot(text, text)).toBeCloseTo(1, 5);
    expect(dot(text, red)).toBeGreaterThan(dot(text, blue));
    expect(dot(await clip.encodeText('something blue'), blue)).toBeGreaterThan(dot(await clip.encodeText('something blue'), red));
  });
});

const config = readConfig();
const realClip = await packPresent(config.ml.modelsDir, 'clip', config.ml.clipModel);
const ALBUMS = path.resolve(import.meta.dirname, '../../../shared/fixtures/media/labeled_albums');
const hasAlbums = await readdir(ALBUMS).then(() => true, () => false);

// Named in the test's own title and in the skip's note, so a skipped run says why (`npm run models` fetches the pack;
// CI cannot reach Hugging Face).
const clipMissing = !realClip
  ? ` — skipped: the real CLIP pack ${config.ml.clipModel} is not in the model cache (${config.ml.modelsDir})`
  : !hasAlbums
    ? ` — skipped: no labelled albums at ${ALBUMS}`
    : '';
describe(`the real CLIP pack ${config.ml.clipModel} from SHOEBOX_MODELS`, () => {
  it(`puts the nature photos before the text ones for "a photo of nature", and the other way round${clipMissing}`, async (ctx) => {
    // The reason also goes to the reporter as the skip's note (vitest prints it).
    if (clipMissing) ctx.skip(clipMissing.replace(/^ — skipped: /, ''));
    const clip = await loadClipModel(packDir(config.ml.modelsDir, 'clip', config.ml.clipModel), config.ml.clipModel);
    const photos: Array<{ album: string; v: Float32Array }> = [];
    for (const album of ['nature', 'text']) {
      for (const f of await readdir(path.join(ALBUMS, album))) photos.push({ album, v: await clip.encodeImage(await readFile(path.join(ALBUMS, album, f))) });
    }
    for (const [query, album] of [['a photo of nature', 'nature'], ['a screenshot of text', 'text']] as const) {
      const q = await clip.encodeText(query);
      const top = [...photos].sort((a, b) => dot(b.v, q) - dot(a.v, q))[0]!;
      expect(top.album, query).toBe(album);
    }
  }, 120_000);
});
