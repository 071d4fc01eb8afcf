import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer } from './clip-tokenizer.js';

const VOCAB = path.join(import.meta.dirname, '../../test/fixtures/models/bpe_simple_vocab_16e6.txt.gz');

describe('the CLIP tokenizer', () => {
  let tokenizer: ClipTokenizer;
  beforeAll(async () => {
    tokenizer = ClipTokenizer.fromOpenAiMerges(gunzipSync(await readFile(VOCAB)).toString('utf8'));
  });

  // Ids as OpenAI's clip.tokenize gives them.
  it.each([
    ['a photo of a cat', [320, 1125, 539, 320, 2368]],
    ['a dog', [320, 1929]],
    ['Hello, World!', [3306, 267, 1002, 256]],
  ])('encodes %j as the reference does', (text, ids) => {
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('wraps in start and end and cuts long texts to 77 keeping the end token', () => {
    expect(tokenizer.encodeWithSpecials('a dog')).toEqual([49406, 320, 1929, 49407]);
    const long = tokenizer.encodeWithSpecials('dog '.repeat(200));
    expect(long).toHaveLength(77);
    expect(long[0]).toBe(49406);
    expect(long[76]).toBe(49407);
    expect(long[75]).toBe(1929);
  });

  it('handles any text: accents, emoji, digits, empty and huge input', () => {
    const ids = tokenizer.encode('Café 🎂 2024');
    expect(ids.length).toBeGreaterThan(4);
    expect(ids.every((id) => id >= 0 && id < 49406)).toBe(true);
    expect(tokenizer.encode('')).toEqual([]);
    expect(tokenizer.encode('2024')).toHaveLength(4); // digits one by one
    expect(tokenizer.encodeWithSpecials('x'.repeat(100_000)).length).toBe(77);
  });

  it('reads the same vocabulary from a Hugging Face tokenizer.json', () => {
    const json = JSON.parse(JSON.stringify(tokenizer.toTokenizerJson()));
    expect(Object.keys(json.model.vocab)).toHaveLength(49408);
    expect(ClipTokenizer.fromTokenizerJson(json).encode('a photo of a cat')).toEqual([320, 1125, 539, 320, 2368]);
  });
});
