import { z } from 'zod';
import type { Config } from '../config.js';
import type { Queryable } from '../ports/database.js';

/**
 * The admin's machine-learning settings, Immich's `system-config` `machineLearning` section.
 * Stored in `system_config` and read by every job, so a change applies to the next job
 * without a restart; model names default to SHOEBOX_CLIP_MODEL / SHOEBOX_FACE_MODEL.
 */
const ModelName = z.string().regex(/^[\w.+-]+$/, 'a model name is one folder name');

// Loose: Immich's fields Shoebox does not use (urls, availabilityChecks, ocr, …) are kept as sent.
export const MachineLearningSettings = z.object({
  enabled: z.boolean(),
  clip: z.object({ enabled: z.boolean(), modelName: ModelName }).loose(),
  facialRecognition: z.object({
    enabled: z.boolean(),
    modelName: ModelName,
    /** Detector score a face needs (0.7: Immich's default). */
    minScore: z.number().min(0.1).max(1),
    /** Cosine distance within which two faces are the same person. */
    maxDistance: z.number().min(0.1).max(2),
    /** Faces (this one included) a new person needs. */
    minFaces: z.number().int().min(1).max(50),
  }).loose(),
  duplicateDetection: z.object({
    enabled: z.boolean(),
    /** Cosine distance between CLIP vectors within which two assets are the same picture (Immich: 0.01). */
    maxDistance: z.number().min(0.001).max(0.1),
  }).loose(),
}).loose();
export type MachineLearningSettings = z.infer<typeof MachineLearningSettings>;

const IMMICH_ML_URLS = ['http://immich-machine-learning:3003'];

export function defaultMlSettings(config: Config): MachineLearningSettings {
  return {
    enabled: true,
    clip: { enabled: true, modelName: config.ml.clipModel },
    facialRecognition: { enabled: true, modelName: config.ml.faceModel, minScore: 0.7, maxDistance: 0.5, minFaces: 3 },
    duplicateDetection: { enabled: true, maxDistance: 0.01 },
    // Immich's default, for its settings page and its clients (which require one URL at least):
    // models run inside Shoebox, so this server is never contacted and nothing is checked.
    urls: IMMICH_ML_URLS,
    availabilityChecks: { enabled: false, timeout: 2000, interval: 30_000 },
    ocr: { enabled: false, modelName: 'PP-OCRv5_mobile', minDetectionScore: 0.5, minRecognitionScore: 0.8, maxResolution: 736 },
  };
}

export async function readMlSettings(db: Queryable, config: Config): Promise<MachineLearningSettings> {
  const { rows } = await db.query<{ value: unknown }>({ name: 'read-ml-settings', text: `SELECT value FROM system_config WHERE key = 'machineLearning'`, values: [] });
  const defaults = defaultMlSettings(config);
  if (!rows[0]) return defaults;
  // Stored by an older version, or partial: what parses wins, the rest stays default.
  const stored = rows[0].value as Partial<MachineLearningSettings>;
  const merged = {
    ...defaults,
    ...stored,
    clip: { ...defaults.clip, ...stored.clip },
    facialRecognition: { ...defaults.facialRecognition, ...stored.facialRecognition },
    duplicateDetection: { ...defaults.duplicateDetection, ...stored.duplicateDetection },
    // Saved empty before clients were known to refuse an empty list.
    urls: Array.isArray(stored.urls) && stored.urls.length > 0 ? stored.urls : defaults.urls,
  };
  const parsed = MachineLearningSettings.safeParse(merged);
  return parsed.success ? parsed.data : defaults;
}

export async function writeMlSettings(db: Queryable, settings: MachineLearningSettings): Promise<void> {
  await db.query({
    name: 'write-ml-settings',
    text: `INSERT INTO system_config (key, value) VALUES ('machineLearning', $1)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
    values: [JSON.stringify(settings)],
  });
}
