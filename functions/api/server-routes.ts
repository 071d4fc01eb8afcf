import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate, requireAdmin } from '../../core/http/authenticate.js';
import { jsonBody } from '../../core/http/validate.js';
import { activateServerLicense, LicenseKey, readServerLicense, removeServerLicense, serverIsLicensed } from '../../core/licenses/licenses.js';
import { ffmpegPath, runTool } from '../../core/media/ffmpeg.js';
import { readSystemConfig } from '../../core/system-config/system-config.js';
import { VERSION_CHECK_STATE } from './system-metadata-routes.js';
import { supportedExtensions } from '../../core/media/media-types.js';
import { maintenanceOf } from '../../core/backups/maintenance.js';
import { SHOEBOX_VERSION } from '../../core/version.js';
import { serverStorage } from '../../core/runtime/server-storage.js';

const exifrVersion = (createRequire(import.meta.url)('exifr/package.json') as { version: string }).version;

/**
 * Immich's server endpoints. `version` answers with the Immich API version Shoebox speaks,
 * since Immich clients compare it with their own.
 */
export const serverRoutes = new Hono<ApiEnv>()
  .get('/server/ping', (c) => c.json({ res: 'pong' }))
  .get('/server/version', (c) => c.json({ ...SHOEBOX_VERSION.immichApi, prerelease: null }))
  .get('/server/media-types', (c) => c.json(supportedExtensions()))
  .get('/server/features', async (c) => {
    const settings = await readSystemConfig(c.var.ports.db, c.var.ports.config);
    const ml = settings.machineLearning;
    return c.json({
      smartSearch: ml.enabled && ml.clip.enabled,
      facialRecognition: ml.enabled && ml.facialRecognition.enabled,
      duplicateDetection: ml.enabled && ml.clip.enabled && ml.duplicateDetection.enabled,
      map: true,
      reverseGeocoding: true,
      importFaces: false,
      sidecar: true,
      search: true,
      trash: true,
      oauth: settings.oauth.enabled,
      oauthAutoLaunch: settings.oauth.autoLaunch,
      ocr: false,
      passwordLogin: settings.passwordLogin.enabled,
      configFile: false,
      email: false,
      // Videos are converted once, after upload; there is no on-the-fly (HLS) transcoding.
      realtimeTranscoding: false,
    });
  })
  // Public: what a login page needs to know, first of all whether the first account exists yet.
  .get('/server/config', async (c) => {
    const { config, db } = c.var.ports;
    const { rows } = await db.query<{ initialized: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS initialized');
    // The settings document already holds the ML settings: one read, not two.
    const settings = await readSystemConfig(db, config);
    return c.json({
      loginPageMessage: settings.server.loginPageMessage,
      oauthButtonText: settings.oauth.buttonText,
      trashDays: settings.trash.days,
      userDeleteDelay: settings.user.deleteDelay,
      isInitialized: rows[0]!.initialized,
      // Immich 3 has no onboarding left to do once the admin exists.
      isOnboarded: rows[0]!.initialized,
      externalDomain: settings.server.externalDomain,
      publicUsers: settings.server.publicUsers,
      maintenanceMode: maintenanceOf(c.var.ports).status.active,
      // The phone app's map styles (MapLibre): fetched by the phone, not by this server.
      mapLightStyleUrl: settings.map.lightStyle,
      mapDarkStyleUrl: settings.map.darkStyle,
      minFaces: settings.machineLearning.facialRecognition.minFaces,
    });
  })
  .get('/server/version-history', (c) => c.json([]))
  // Links only (the server fetches nothing): Immich's Android app of the API version Shoebox speaks.
  .get('/server/apk-links', authenticate, (c) => {
    const { major, minor, patch } = SHOEBOX_VERSION.immichApi;
    const base = `https://github.com/immich-app/immich/releases/download/v${major}.${minor}.${patch}`;
    return c.json({
      arm64v8a: `${base}/app-arm64-v8a-release.apk`,
      armeabiv7a: `${base}/app-armeabi-v7a-release.apk`,
      universal: `${base}/app-release.apk`,
      x86_64: `${base}/app-x86_64-release.apk`,
    });
  })
  .get('/server/storage', authenticate, async (c) => c.json(await serverStorage(c.var.ports)))
  .get('/server/about', authenticate, async (c) =>
    c.json({
      version: `v${SHOEBOX_VERSION.immichApi.major}.${SHOEBOX_VERSION.immichApi.minor}.${SHOEBOX_VERSION.immichApi.patch}`,
      versionUrl: 'https://github.com/immich-app/immich/releases',
      repository: 'shoebox',
      build: SHOEBOX_VERSION.shoebox,
      nodejs: process.version,
      ffmpeg: await ffmpegVersion(),
      libvips: await libvipsVersion(),
      // Shoebox reads metadata with exifr, not ExifTool; the field says which.
      exiftool: `exifr ${exifrVersion}`,
      licensed: await serverIsLicensed(c.var.ports.db),
    }),
  )
  .get('/server/version-check', authenticate, (c) => c.json(VERSION_CHECK_STATE))
  .use('/server/license', authenticate, requireAdmin)
  .get('/server/license', async (c) => c.json(await readServerLicense(c.var.ports.db)))
  .put('/server/license', async (c) => c.json(await activateServerLicense(c.var.ports.db, await jsonBody(c, LicenseKey), c.var.ports.clock.now())))
  .delete('/server/license', async (c) => {
    await removeServerLicense(c.var.ports.db);
    return c.body(null, 204);
  })
  /** Shoebox's own public settings, which Immich's /server/config has no room for. */
  .get('/shoebox/config', (c) =>
    // The web map's raster tiles, or null for its offline world outline.
    c.json({ mapTileUrl: c.var.ports.config.mapTileUrl ?? null }),
  );

// Where a function has no sharp or ffmpeg beside it (the API on Lambda), the field says so.
const libvipsVersion = () => import('sharp').then((m) => m.default.versions.vips ?? 'unknown', () => 'unavailable');

let ffmpegVersionLine: Promise<string> | undefined;
/** ffmpeg's version as it states it ("4.1"), asked once per process. */
function ffmpegVersion(): Promise<string> {
  ffmpegVersionLine ??= runTool(ffmpegPath(), ['-version'], { timeoutMs: 10_000, maxOutput: 4096 })
    .then((out) => /ffmpeg version (\S+)/.exec(out.toString())?.[1] ?? 'unknown')
    .catch(() => 'unavailable');
  return ffmpegVersionLine;
}
