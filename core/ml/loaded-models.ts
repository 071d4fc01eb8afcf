import type { Config } from '../config.js';
import type { Queryable } from '../ports/database.js';
import { loadClipModel, type ClipModel } from './clip-model.js';
import { loadFaceModel, type FaceModel } from './face-model.js';
import { readMlSettings } from './ml-settings.js';
import { packDir, packPresent, type PackKind } from './model-packs.js';

/**
 * Packs loaded once per process, by kind and name. A pack that is not in the cache yet
 * gives undefined (the stage marks the asset as waiting) and is looked for again next time;
 * one that fails to load is forgotten, so a finished download is picked up.
 */
const loaded = new Map<string, Promise<unknown>>();

async function loadedPack<T>(config: Config, kind: PackKind, name: string, load: (dir: string, name: string, threads?: number) => Promise<T>): Promise<T | undefined> {
  const key = `${kind}/${name}`;
  let model = loaded.get(key) as Promise<T> | undefined;
  if (!model) {
    if (!(await packPresent(config.ml.modelsDir, kind, name))) return undefined;
    model = load(packDir(config.ml.modelsDir, kind, name), name, config.ml.threads);
    model.catch(() => loaded.delete(key));
    loaded.set(key, model);
  }
  return model;
}

export const clipModel = (config: Config, name: string): Promise<ClipModel | undefined> => loadedPack(config, 'clip', name, loadClipModel);
export const faceModel = (config: Config, name: string): Promise<FaceModel | undefined> => loadedPack(config, 'facial-recognition', name, loadFaceModel);

export function forgetLoadedModels(): void {
  loaded.clear();
}

/** Whether the pack a stage uses now (per the admin's settings) is in the cache. */
export async function stageModelPresent(db: Queryable, config: Config, stage: 'embed' | 'faces'): Promise<boolean> {
  const settings = await readMlSettings(db, config);
  return stage === 'embed'
    ? packPresent(config.ml.modelsDir, 'clip', settings.clip.modelName)
    : packPresent(config.ml.modelsDir, 'facial-recognition', settings.facialRecognition.modelName);
}
