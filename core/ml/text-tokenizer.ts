import { z } from 'zod';
import { ClipTokenizer } from './clip-tokenizer.js';
import { SentencePieceJson, SentencePieceTokenizer } from './sentencepiece-tokenizer.js';

/**
 * A CLIP pack's text tokenizer, from its `textual/tokenizer.json` (and `tokenizer_config.json`
 * for the padding token, as Immich reads it): OpenAI's byte-level BPE for the English packs,
 * SentencePiece (Unigram or BPE) for the multilingual ones. Rows are padded to the context
 * length; the attention mask marks the real tokens (M-CLIP's text towers take it).
 */
export interface TokenizedText {
  ids: Int32Array;
  mask: Int32Array;
}

export interface TextTokenizer {
  tokenize(text: string, context: number): TokenizedText;
}

const TokenizerConfig = z.object({ pad_token: z.union([z.string(), z.object({ content: z.string() })]).optional() }).loose();

export function textTokenizer(tokenizerJson: unknown, tokenizerConfig: unknown): TextTokenizer {
  const model = (tokenizerJson as { model?: { type?: string; vocab?: unknown; end_of_word_suffix?: string } }).model;
  const isClip = model?.type === 'BPE' && (model.end_of_word_suffix === '</w>' || Object.hasOwn((model.vocab ?? {}) as object, '<|startoftext|>'));
  const config = TokenizerConfig.parse(tokenizerConfig ?? {});
  const padToken = typeof config.pad_token === 'object' ? config.pad_token.content : config.pad_token;
  if (isClip) {
    const clip = ClipTokenizer.fromTokenizerJson(tokenizerJson);
    const pad = (padToken ? clip.tokenId(padToken) : undefined) ?? 0;
    return { tokenize: (text, context) => padded(clip.encodeWithSpecials(text, context), context, pad) };
  }
  const sp = new SentencePieceTokenizer(SentencePieceJson.parse(tokenizerJson));
  const pad = sp.tokenId(padToken ?? '<pad>') ?? 0;
  return { tokenize: (text, context) => padded(sp.encode(text, context), context, pad) };
}

function padded(ids: number[], context: number, pad: number): TokenizedText {
  const row = new Int32Array(context).fill(pad);
  const mask = new Int32Array(context);
  row.set(ids.slice(0, context));
  mask.fill(1, 0, Math.min(ids.length, context));
  return { ids: row, mask };
}
