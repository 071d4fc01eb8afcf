import type { Config } from '../config.js';
import type { Queryable } from '../ports/database.js';
import type { Ports } from '../runtime/ports.js';
import { downloadPack, sourceFor } from './model-download.js';
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
const downloads = new Map<string, Promise<void>>();

/**
 * With SHOEBOX_MODEL_DOWNLOAD=true a missing pack is fetched from SHOEBOX_MODEL_SOURCE, once
 * per process. On Lambda the job waits for it (a cold start fetches from the derived
 * bucket); the local runtime fetches in the background and the stage marks assets waiting.
 */
export function fetchPack(ports: Pick<Ports, 'config' | 'store' | 'logger'>, kind: PackKind, name: string): Promise<void> {
  const key = `${kind}/${name}`;
  let download = downloads.get(key);
  if (!download) {
    const { config, store, logger } = ports;
    logger.info('fetching a model pack', { pack: key, source: config.ml.source });
    download = downloadPack(sourceFor(config.ml.source, store), config.ml.modelsDir, kind, name).then(
      (files) => logger.info('model pack ready', { pack: key, files: files.length }),
      (error: Error) => {
        downloads.delete(key);
        logger.error('model pack download failed', { pack: key, error: error.message });
        throw error;
      },
    );
    downloads.set(key, download);
  }
  return download;
}

async function loadedPack<T>(ports: Pick<Ports, 'config' | 'store' | 'logger'>, kind: PackKind, name: string, load: (dir: string, name: string, threads?: number) => Promise<T>): Promise<T | undefined> {
  const { config } = ports;
  const key = `${kind}/${name}`;
  let model = loaded.get(key) as Promise<T> | undefined;
  if (!model) {
    if (!(await packPresent(config.ml.modelsDir, kind, name))) {
      if (!config.ml.downloadAtStart) return undefined;
      const download = fetchPack(ports, kind, name);
      if (!process.env.AWS_LAMBDA_FUNCTION_NAME) {
        download.catch(() => undefined); // logged; the assets wait and the next job tries again
        return undefined;
      }
      await download;
    }
    model = load(packDir(config.ml.modelsDir, kind, name), name, config.ml.threads);
    model.catch(() => loaded.delete(key));
    loaded.set(key, model);
  }
  return model;
}

type ModelPorts = Pick<Ports, 'config' | 'store' | 'logger'>;
export const clipModel = (ports: ModelPorts, name: string): Promise<ClipModel | undefined> => loadedPack(ports, 'clip', name, loadClipModel);
export const faceModel = (ports: ModelPorts, name: string): Promise<FaceModel | undefined> => loadedPack(ports, 'facial-recognition', name, loadFaceModel);

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
