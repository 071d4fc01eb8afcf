import { z } from 'zod';
import { mergeByRank } from './bpe-merges.js';

/**
 * SentencePiece-style tokenizers read from a Hugging Face `tokenizer.json`, as multilingual
 * CLIP packs carry them: Unigram (XLM-RoBERTa, M-CLIP) or BPE over "▁"-marked words (NLLB).
 * The steps are the library's: normalise (NMT, NFKC, replacements, lower case), mark spaces
 * with "▁" and split before each, segment each piece (Unigram: the most probable split by
 * Viterbi; BPE: merges by rank), then wrap in the template's special tokens.
 * Checked against the reference library's ids (test/fixtures/tokenizers/).
 */
const Normalizer: z.ZodType<NormalizerSpec> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('Sequence'), normalizers: z.array(Normalizer) }),
    z.object({ type: z.literal('Replace'), pattern: z.object({ Regex: z.string() }).or(z.object({ String: z.string() })), content: z.string() }),
    z.object({ type: z.enum(['NFKC', 'NFC', 'NFD', 'NFKD', 'Nmt', 'Lowercase', 'Precompiled', 'Strip', 'StripAccents']) }).loose(),
  ]),
);
type NormalizerSpec =
  | { type: 'Sequence'; normalizers: NormalizerSpec[] }
  | { type: 'Replace'; pattern: { Regex: string } | { String: string }; content: string }
  | { type: 'NFKC' | 'NFC' | 'NFD' | 'NFKD' | 'Nmt' | 'Lowercase' | 'Precompiled' | 'Strip' | 'StripAccents' };

const Metaspace = z.object({
  type: z.literal('Metaspace'),
  replacement: z.string().default('▁'),
  prepend_scheme: z.enum(['always', 'first', 'never']).optional(),
  add_prefix_space: z.boolean().optional(),
});
const PreTokenizer = z.union([Metaspace, z.object({ type: z.literal('Sequence'), pretokenizers: z.array(z.object({ type: z.string() }).loose()) })]);

export const SentencePieceJson = z.object({
  added_tokens: z.array(z.object({ id: z.number().int(), content: z.string() })).default([]),
  normalizer: Normalizer.nullable().default(null),
  pre_tokenizer: PreTokenizer,
  post_processor: z
    .object({ type: z.literal('TemplateProcessing'), single: z.array(z.record(z.string(), z.object({ id: z.string() }).loose())) })
    .loose()
    .nullable()
    .default(null),
  model: z.discriminatedUnion('type', [
    z.object({ type: z.literal('Unigram'), unk_id: z.number().int().nullable(), vocab: z.array(z.tuple([z.string(), z.number()])) }),
    z.object({
      type: z.literal('BPE'),
      unk_token: z.string().nullable().default(null),
      fuse_unk: z.boolean().default(false),
      vocab: z.record(z.string(), z.number().int()),
      merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
    }),
  ]),
});
export type SentencePieceJson = z.infer<typeof SentencePieceJson>;

export class SentencePieceTokenizer {
  private readonly ids: Map<string, number>;
  private readonly scores = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly maxPiece: number;
  private readonly unkId: number | undefined;
  private readonly fuseUnk: boolean;
  private readonly prefix: string;
  private readonly prepend: 'always' | 'first' | 'never';
  private readonly before: number[] = [];
  private readonly after: number[] = [];

  constructor(private readonly spec: SentencePieceJson) {
    const { model } = spec;
    if (model.type === 'Unigram') {
      this.ids = new Map(model.vocab.map(([piece], id) => [piece, id]));
      for (const [piece, score] of model.vocab) this.scores.set(piece, score);
      this.unkId = model.unk_id ?? undefined;
      this.fuseUnk = true;
    } else {
      this.ids = new Map(Object.entries(model.vocab));
      model.merges.forEach((m, rank) => this.ranks.set(typeof m === 'string' ? m : m.join(' '), rank));
      this.unkId = model.unk_token === null ? undefined : this.ids.get(model.unk_token);
      this.fuseUnk = model.fuse_unk;
    }
    for (const t of spec.added_tokens) this.ids.set(t.content, t.id);
    this.maxPiece = Math.max(1, ...[...this.ids.keys()].map((p) => [...p].length));
    const meta = spec.pre_tokenizer.type === 'Metaspace' ? spec.pre_tokenizer : undefined;
    this.prefix = meta?.replacement ?? '▁';
    this.prepend = meta?.prepend_scheme ?? (meta?.add_prefix_space === false ? 'never' : 'always');
    // The template: special tokens before and after the text ($A).
    let seenText = false;
    for (const part of spec.post_processor?.single ?? []) {
      if ('Sequence' in part) seenText = true;
      else if ('SpecialToken' in part) (seenText ? this.after : this.before).push(this.ids.get(part.SpecialToken!.id) ?? fail(`no id for ${part.SpecialToken!.id}`));
    }
  }

  tokenId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The ids of a text with the template's special tokens, cut to `max` keeping them. */
  encode(text: string, max = Number.MAX_SAFE_INTEGER): number[] {
    const normalized = normalize(text, this.spec.normalizer);
    const ids: number[] = [];
    for (const piece of this.pieces(normalized)) ids.push(...(this.spec.model.type === 'Unigram' ? this.viterbi(piece) : this.bpe(piece)));
    const room = Math.max(0, max - this.before.length - this.after.length);
    return [...this.before, ...ids.slice(0, room), ...this.after];
  }

  /** Spaces become "▁" (one prepended), and each "▁" starts a new piece. */
  private pieces(text: string): string[] {
    if (text.length === 0) return [];
    let marked = text.replaceAll(' ', this.prefix);
    if (this.prepend !== 'never' && !marked.startsWith(this.prefix)) marked = this.prefix + marked;
    return marked.split(new RegExp(`(?=${escapeRegExp(this.prefix)})`, 'u')).filter(Boolean);
  }

  /** The most probable segmentation by the pieces' log-probabilities; characters nothing covers are unknown. */
  private viterbi(piece: string): number[] {
    const chars = [...piece];
    const unkScore = Math.min(...this.scores.values()) - 10;
    const best: Array<{ score: number; from: number; token: string | null }> = [{ score: 0, from: -1, token: null }];
    for (let end = 1; end <= chars.length; end++) {
      let choice = { score: -Infinity, from: -1, token: null as string | null };
      for (let start = Math.max(0, end - this.maxPiece); start < end; start++) {
        const token = chars.slice(start, end).join('');
        const score = this.scores.get(token);
        if (score !== undefined && best[start]!.score + score > choice.score) choice = { score: best[start]!.score + score, from: start, token };
      }
      if (choice.token === null) choice = { score: best[end - 1]!.score + unkScore, from: end - 1, token: null };
      best.push(choice);
    }
    const out: number[] = [];
    for (let at = chars.length; at > 0; at = best[at]!.from) {
      const { token } = best[at]!;
      out.unshift(token === null ? this.unknown() : this.ids.get(token)!);
    }
    return this.fuse(out);
  }

  private bpe(piece: string): number[] {
    return this.fuse(mergeByRank([...piece], this.ranks).map((p) => this.ids.get(p) ?? this.unknown()));
  }

  private unknown(): number {
    if (this.unkId === undefined) throw new Error('the tokenizer has no unknown token and met a character it does not know');
    return this.unkId;
  }

  private fuse(ids: number[]): number[] {
    if (!this.fuseUnk) return ids;
    return ids.filter((id, i) => !(id === this.unkId && ids[i - 1] === this.unkId));
  }
}

function normalize(text: string, spec: NormalizerSpec | null): string {
  if (!spec) return text;
  switch (spec.type) {
    case 'Sequence':
      return spec.normalizers.reduce((t, n) => normalize(t, n), text);
    case 'Replace':
      return 'Regex' in spec.pattern ? text.replace(new RegExp(spec.pattern.Regex, 'gu'), spec.content) : text.replaceAll(spec.pattern.String, spec.content);
    case 'Nmt':
      // SentencePiece's NMT rules: control characters dropped, odd whitespace made a space.
      return text.replace(/[\u0000-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/g, '').replace(/[\u0009\u000A\u000C\u000D\u1680\u200B-\u200F\u2028\u2029\u3000\uFEFF\uFFFD]/g, ' ');
    case 'NFKC':
    case 'Precompiled': // SentencePiece's compiled rules are NFKC plus a little; NFKC is the close reading
      return text.normalize('NFKC');
    case 'NFC':
    case 'NFD':
    case 'NFKD':
      return text.normalize(spec.type);
    case 'Lowercase':
      return text.toLowerCase();
    case 'Strip':
      return text.trim();
    case 'StripAccents':
      return text.normalize('NFD').replace(/\p{M}/gu, '');
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fail(message: string): never {
  throw new Error(`tokenizer.json: ${message}`);
}
