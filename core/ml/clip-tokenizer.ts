import { z } from 'zod';
import { mergeByRank } from './bpe-merges.js';

/**
 * CLIP's byte-level BPE tokenizer (OpenAI's `SimpleTokenizer`, which the Hugging Face
 * `tokenizer.json` of Immich's packs reproduces): lower-cased, whitespace collapsed, split
 * into words, each word's UTF-8 bytes mapped to printable characters and merged pair by pair
 * in rank order; `</w>` marks a word's end. Text becomes [start, ...tokens, end], padded
 * with 0 or cut to the context length (77), the end token kept last.
 */
export class ClipTokenizer {
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, string[]>();
  readonly startToken: number;
  readonly endToken: number;

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly merges: Array<[string, string]>,
  ) {
    this.ranks = new Map(merges.map(([a, b], rank) => [`${a} ${b}`, rank]));
    this.startToken = vocab.get('<|startoftext|>') ?? fail('the vocabulary has no <|startoftext|>');
    this.endToken = vocab.get('<|endoftext|>') ?? fail('the vocabulary has no <|endoftext|>');
  }

  /** From OpenAI's `bpe_simple_vocab_16e6.txt` (merges only; the vocabulary follows from them). */
  static fromOpenAiMerges(text: string): ClipTokenizer {
    const merges = text
      .split('\n')
      .slice(1, 49152 - 256 - 2 + 1)
      .map((line) => line.split(' ') as [string, string]);
    const bytes = [...BYTE_TO_CHAR.values()];
    const tokens = [...bytes, ...bytes.map((b) => `${b}</w>`), ...merges.map(([a, b]) => a + b), '<|startoftext|>', '<|endoftext|>'];
    return new ClipTokenizer(new Map(tokens.map((t, i) => [t, i])), merges);
  }

  /** From a Hugging Face `tokenizer.json` (model.vocab and model.merges), as Immich's packs carry. */
  static fromTokenizerJson(json: unknown): ClipTokenizer {
    const { model } = TokenizerJson.parse(json);
    const merges = model.merges.map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m));
    return new ClipTokenizer(new Map(Object.entries(model.vocab)), merges);
  }

  /** The Hugging Face `tokenizer.json` form (what a model pack carries). */
  toTokenizerJson(): { model: { type: 'BPE'; vocab: Record<string, number>; merges: string[] } } {
    return { model: { type: 'BPE', vocab: Object.fromEntries(this.vocab), merges: this.merges.map(([a, b]) => `${a} ${b}`) } };
  }

  /** The token ids of a text, without start and end. */
  encode(text: string): number[] {
    const clean = text.normalize('NFC').replace(/\s+/g, ' ').trim().toLowerCase();
    const ids: number[] = [];
    for (const word of clean.match(WORDS) ?? []) {
      const mapped = [...Buffer.from(word, 'utf8')].map((b) => BYTE_TO_CHAR.get(b)!).join('');
      for (const piece of this.bpe(mapped)) ids.push(this.vocab.get(piece) ?? fail(`no token for ${piece}`));
    }
    return ids;
  }

  /** [start, tokens…, end], cut to `max` keeping the end token. */
  encodeWithSpecials(text: string, max = 77): number[] {
    return [this.startToken, ...this.encode(text).slice(0, max - 2), this.endToken];
  }

  tokenId(token: string): number | undefined {
    return this.vocab.get(token);
  }

  private bpe(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const parts = [...word];
    parts[parts.length - 1] += '</w>';
    const merged = mergeByRank(parts, this.ranks);
    if (this.cache.size < 10_000) this.cache.set(word, merged);
    return merged;
  }
}

const TokenizerJson = z.object({
  model: z.object({
    vocab: z.record(z.string(), z.number().int()),
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
  }),
});

/** The reference pattern: special tokens, English contractions, letter runs, single digits, other symbol runs. */
const WORDS = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible map from bytes to printable characters (no whitespace or control characters). */
const BYTE_TO_CHAR: Map<number, string> = (() => {
  const printable = [...range(0x21, 0x7e), ...range(0xa1, 0xac), ...range(0xae, 0xff)];
  const map = new Map<number, string>();
  let extra = 0;
  for (let b = 0; b < 256; b++) map.set(b, String.fromCodePoint(printable.includes(b) ? b : 256 + extra++));
  // The reference lists the printable bytes first, then the others: vocabulary order depends on it.
  return new Map([...printable.map((b) => [b, map.get(b)!] as const), ...[...map].filter(([b]) => !printable.includes(b))]);
})();

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function fail(message: string): never {
  throw new Error(`CLIP tokenizer: ${message}`);
}
