import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SentencePieceJson, SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

const FIXTURES = path.join(import.meta.dirname, '../../test/fixtures/tokenizers');
const load = async (name: string) => JSON.parse(await readFile(path.join(FIXTURES, name), 'utf8')) as unknown;

describe.each(['unigram', 'sentencepiece-bpe'])('a %s tokenizer.json (multilingual CLIP packs)', (name) => {
  it('gives the reference library’s ids for English, German, French, Japanese, odd spacing, empty and unknown text', async () => {
    const tokenizer = new SentencePieceTokenizer(SentencePieceJson.parse(await load(`${name}.tokenizer.json`)));
    const expected = (await load(`${name}.expected.json`)) as Record<string, number[]>;
    for (const [text, ids] of Object.entries(expected)) expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(ids);
  });

  it('cuts long texts to the context length, keeping the special tokens', async () => {
    const tokenizer = new SentencePieceTokenizer(SentencePieceJson.parse(await load(`${name}.tokenizer.json`)));
    const ids = tokenizer.encode('a dog on the beach '.repeat(50), 16);
    expect(ids).toHaveLength(16);
    expect([ids[0], ids[15]]).toEqual([0, 2]);
  });
});
