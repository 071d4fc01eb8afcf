import { access } from 'node:fs/promises';
import path from 'node:path';

/**
 * Model packs in Immich's cache layout, so a folder Immich downloaded works here as is:
 *   <cache>/clip/<name>/{visual,textual}/model.onnx (+ preprocess_cfg.json, tokenizer.json, config.json)
 *   <cache>/facial-recognition/<name>/{detection,recognition}/model.onnx
 */
export type PackKind = 'clip' | 'facial-recognition';

export const PACK_FILES: Record<PackKind, string[]> = {
  clip: ['config.json', 'visual/model.onnx', 'visual/preprocess_cfg.json', 'textual/model.onnx', 'textual/tokenizer.json'],
  'facial-recognition': ['detection/model.onnx', 'recognition/model.onnx'],
};

export function packDir(cache: string, kind: PackKind, name: string): string {
  // Names come from config and the admin API; they are single path segments.
  if (!/^[\w.+-]+$/.test(name) || name.startsWith('.')) throw new Error(`Invalid model name: ${name}`);
  return path.join(cache, kind, name);
}

/** Whether every file the pack needs is in the cache. */
export async function packPresent(cache: string, kind: PackKind, name: string): Promise<boolean> {
  const dir = packDir(cache, kind, name);
  const found = await Promise.all(PACK_FILES[kind].map((file) => access(path.join(dir, file)).then(() => true, () => false)));
  return found.every(Boolean);
}
