import type { Config } from '../config.js';
import { loadClipModel, type ClipModel } from './clip-model.js';
import { packDir, packPresent } from './model-packs.js';
import { readMlSettings } from './ml-settings.js';
import type { Queryable } from '../ports/database.js';

/**
 * Packs loaded once per process, by name. A pack that is not in the cache yet gives
 * undefined (the stage marks the asset as waiting) and is looked for again next time.
 */
const clipModels = new Map<string, Promise<ClipModel>>();

export async function clipModel(config: Config, name: string): Promise<ClipModel | undefined> {
  let model = clipModels.get(name);
  if (!model) {
    if (!(await packPresent(config.ml.modelsDir, 'clip', name))) return undefined;
    model = loadClipModel(packDir(config.ml.modelsDir, 'clip', name), name, config.ml.threads);
    model.catch(() => clipModels.delete(name));
    clipModels.set(name, model);
  }
  return model;
}

export function forgetLoadedModels(): void {
  clipModels.clear();
}

/** Whether the pack a stage uses now (per the admin's settings) is in the cache. */
export async function stageModelPresent(db: Queryable, config: Config, stage: 'embed' | 'faces'): Promise<boolean> {
  const settings = await readMlSettings(db, config);
  return stage === 'embed'
    ? packPresent(config.ml.modelsDir, 'clip', settings.clip.modelName)
    : packPresent(config.ml.modelsDir, 'facial-recognition', settings.facialRecognition.modelName);
}
