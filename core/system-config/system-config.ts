import { z } from 'zod';
import type { Config } from '../config.js';
import { BadRequest } from '../errors.js';
import { OAuthSettings } from '../auth/oauth.js';
import { MachineLearningSettings, readMlSettings, writeMlSettings } from '../ml/ml-settings.js';
import type { Queryable } from '../ports/database.js';
import { StorageTemplate } from './storage-template.js';

/**
 * The admin's settings as Immich's clients read and write them: Immich's whole SystemConfigDto,
 * one `system_config` row per section. Shoebox acts on some sections (machine learning, trash
 * and user deletion delays, what the login page shows, the map styles, OAuth sign-in and
 * password login); the others are kept
 * exactly as the admin's client sent them and returned unchanged, so Immich's settings pages
 * work and nothing a client sends is refused for being unused here.
 */
export type SystemConfig = Record<string, unknown> & {
  machineLearning: MachineLearningSettings;
  trash: { enabled: boolean; days: number };
  user: { deleteDelay: number };
  server: { externalDomain: string; loginPageMessage: string; publicUsers: boolean };
  map: { enabled: boolean; lightStyle: string; darkStyle: string };
  oauth: OAuthSettings;
  passwordLogin: { enabled: boolean };
  integrityChecks: { checksumFiles: { enabled: boolean; timeLimit: number; percentageLimit: number }; missingFiles: { enabled: boolean }; untrackedFiles: { enabled: boolean } };
};

/** Immich's defaults, except where Shoebox's own settings (environment) decide. */
export function systemConfigDefaults(config: Config): Omit<SystemConfig, 'machineLearning'> {
  // NestJS's CronExpression spellings, as Immich's defaults write them ('0 02 * * *'; midnight '0 0 * * *').
  const everyDayAt = (hour: number) => (hour === 0 ? '0 0 * * *' : `0 ${String(hour).padStart(2, '0')} * * *`);
  return {
    backup: { database: { enabled: config.backups.nightly, cronExpression: everyDayAt(config.backups.hour), keepLastAmount: config.backups.keep } },
    ffmpeg: {
      crf: 23, threads: 0, preset: 'ultrafast', targetVideoCodec: 'h264', acceptedVideoCodecs: ['h264'], targetAudioCodec: 'aac',
      acceptedAudioCodecs: ['aac', 'mp3', 'opus'], acceptedContainers: ['mov', 'ogg', 'webm'], targetResolution: '720', maxBitrate: '0',
      bframes: -1, refs: 0, gopSize: 0, temporalAQ: false, cqMode: 'auto', twoPass: false, preferredHwDevice: 'auto', transcode: 'required',
      tonemap: 'hable', accel: 'disabled', accelDecode: true, realtime: { enabled: false, resolutions: [720, 1080], videoCodecs: ['h264'] },
    },
    integrityChecks: {
      missingFiles: { enabled: true, cronExpression: everyDayAt(3) },
      untrackedFiles: { enabled: true, cronExpression: everyDayAt(3) },
      checksumFiles: { enabled: true, cronExpression: everyDayAt(3), timeLimit: 3_600_000, percentageLimit: 1 },
    },
    job: Object.fromEntries(
      Object.entries({
        backgroundTask: 5, smartSearch: 2, metadataExtraction: 5, faceDetection: 2, search: 5, sidecar: 5, library: 5, migration: 5,
        thumbnailGeneration: 3, videoConversion: 1, notifications: 5, ocr: 1, workflow: 5, integrityCheck: 1, editor: 2,
      }).map(([queue, concurrency]) => [queue, { concurrency }]),
    ),
    logging: { enabled: true, level: 'log' },
    map: { enabled: true, lightStyle: config.mapStyleUrls.light, darkStyle: config.mapStyleUrls.dark },
    reverseGeocoding: { enabled: true },
    metadata: { faces: { import: false } },
    oauth: {
      autoLaunch: false, autoRegister: true, buttonText: 'Login with OAuth', clientId: '', clientSecret: '', defaultStorageQuota: null,
      enabled: false, issuerUrl: '', endSessionEndpoint: '', mobileOverrideEnabled: false, mobileRedirectUri: '', prompt: '',
      scope: 'openid email profile', signingAlgorithm: 'RS256', profileSigningAlgorithm: 'none', storageLabelClaim: 'preferred_username',
      storageQuotaClaim: 'immich_quota', roleClaim: 'immich_role', tokenEndpointAuthMethod: 'client_secret_post', timeout: 30_000,
      allowInsecureRequests: false,
    },
    passwordLogin: { enabled: true },
    storageTemplate: { enabled: false, hashVerificationEnabled: true, template: '{{y}}/{{y}}-{{MM}}-{{dd}}/{{filename}}' },
    image: {
      thumbnail: { format: 'webp', size: 250, quality: 80, progressive: false },
      preview: { format: 'jpeg', size: 1440, quality: 80, progressive: false },
      colorspace: 'p3',
      extractEmbedded: false,
      fullsize: { enabled: false, format: 'jpeg', quality: 80, progressive: false },
    },
    // Shoebox never calls out to look for new versions (no network but what the user configured).
    newVersionCheck: { enabled: false, channel: 'stable' },
    nightlyTasks: { startTime: '00:00', databaseCleanup: true, generateMemories: true, syncQuotaUsage: true, missingThumbnails: true, clusterNewFaces: true },
    trash: { enabled: true, days: config.trashDays },
    theme: { customCss: '' },
    library: { scan: { enabled: true, cronExpression: everyDayAt(0) }, watch: { enabled: false } },
    server: { externalDomain: config.publicUrl ?? '', loginPageMessage: '', publicUsers: true },
    notifications: {
      smtp: { enabled: false, from: '', replyTo: '', transport: { ignoreCert: false, host: '', port: 587, secure: false, username: '', password: '' } },
    },
    templates: { email: { welcomeTemplate: '', albumInviteTemplate: '', albumUpdateTemplate: '' } },
    user: { deleteDelay: config.userDeleteDays },
  };
}

/**
 * What a client may send: the sections Shoebox acts on are checked (a wrong value there would
 * change what the server does); every other section is an object kept as sent.
 */
const Section = z.record(z.string(), z.unknown());
export const SystemConfigUpdate = z
  .object({
    machineLearning: MachineLearningSettings,
    trash: z.object({ enabled: z.boolean(), days: z.int().min(0).max(36_500) }).loose(),
    user: z.object({ deleteDelay: z.int().min(1).max(36_500) }).loose(),
    server: z
      .object({
        externalDomain: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
        loginPageMessage: z.string().max(10_000),
        publicUsers: z.boolean(),
      })
      .loose(),
    map: z.object({ enabled: z.boolean(), lightStyle: z.string().max(2000), darkStyle: z.string().max(2000) }).loose(),
    oauth: OAuthSettings,
    passwordLogin: z.object({ enabled: z.boolean() }).loose(),
    storageTemplate: z.object({ enabled: z.boolean(), hashVerificationEnabled: z.boolean(), template: z.string().max(1000) }).loose(),
    newVersionCheck: z.object({ enabled: z.boolean(), channel: z.enum(['stable', 'prerelease']) }).loose(),
  })
  .partial()
  .catchall(Section);
export type SystemConfigUpdate = z.infer<typeof SystemConfigUpdate>;

/** `over` laid on `base`: objects merge key by key, anything else (arrays too) replaces. */
function merge(base: unknown, over: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

export async function readSystemConfig(db: Queryable, config: Config): Promise<SystemConfig> {
  const { rows } = await db.query<{ key: string; value: unknown }>(`SELECT key, value FROM system_config WHERE key <> 'machineLearning'`);
  let doc: Record<string, unknown> = systemConfigDefaults(config);
  for (const row of rows) doc = merge(doc, { [row.key]: row.value }) as Record<string, unknown>;
  return { ...doc, machineLearning: await readMlSettings(db, config) } as SystemConfig;
}

/** Stores the sections given (each replaces what was stored for it); others stay as they are. */
export async function writeSystemConfig(db: Queryable, update: SystemConfigUpdate): Promise<void> {
  if (update.storageTemplate) {
    const problem = StorageTemplate.problem(update.storageTemplate.template);
    if (problem) throw new BadRequest(`Invalid storage template: ${problem}`);
  }
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    if (key === 'machineLearning') await writeMlSettings(db, value as MachineLearningSettings);
    else {
      await db.query(
        `INSERT INTO system_config (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
        [key, JSON.stringify(value)],
      );
    }
  }
}

/** A section Shoebox keeps as sent, read for the views below. */
type KeptSection = Record<string, any>;

/** Immich's UserConfigDto: the part of the settings every signed-in client may read (no secrets). */
export function userVisibleConfig(doc: SystemConfig) {
  const { machineLearning: ml, map, oauth, passwordLogin, server, trash, user } = doc;
  // Sections Shoebox keeps as sent: read defensively.
  const kept = (name: string): KeptSection => (doc[name] as KeptSection | undefined) ?? {};
  const image = kept('image');
  const realtime = kept('ffmpeg').realtime ?? {};
  return {
    ffmpeg: { realtime: { enabled: realtime.enabled === true, resolutions: realtime.resolutions ?? [], videoCodecs: realtime.videoCodecs ?? [] } },
    image: { fullsize: { enabled: image.fullsize?.enabled === true }, preview: { size: image.preview?.size }, thumbnail: { size: image.thumbnail?.size } },
    machineLearning: {
      enabled: ml.enabled,
      clip: { enabled: ml.clip.enabled },
      duplicateDetection: { enabled: ml.duplicateDetection.enabled },
      facialRecognition: { enabled: ml.facialRecognition.enabled, minFaces: ml.facialRecognition.minFaces },
      // Shoebox reads no text out of photos.
      ocr: { enabled: false },
    },
    map: { enabled: map.enabled, lightStyle: map.lightStyle, darkStyle: map.darkStyle },
    oauth: { enabled: oauth.enabled, autoLaunch: oauth.autoLaunch, buttonText: oauth.buttonText },
    passwordLogin: { enabled: passwordLogin.enabled },
    reverseGeocoding: { enabled: kept('reverseGeocoding').enabled === true },
    server: { externalDomain: server.externalDomain, loginPageMessage: server.loginPageMessage, publicUsers: server.publicUsers },
    theme: { customCss: kept('theme').customCss ?? '' },
    trash: { enabled: trash.enabled, days: trash.days },
    user: { deleteDelay: user.deleteDelay },
  };
}

/** Immich's PublicConfigDto: what the login page may know before anyone signs in. */
export function publicConfig(doc: SystemConfig) {
  const visible = userVisibleConfig(doc);
  return { oauth: visible.oauth, passwordLogin: visible.passwordLogin, server: { loginPageMessage: visible.server.loginPageMessage }, theme: visible.theme };
}
