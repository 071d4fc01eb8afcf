import { Hono } from 'hono';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { supportedExtensions } from '../../core/media/media-types.js';
import { maintenanceOf } from '../../core/backups/maintenance.js';
import { SHOEBOX_VERSION } from '../../core/version.js';
import { readMlSettings } from '../../core/ml/ml-settings.js';
import { serverStorage } from '../../core/runtime/server-storage.js';

/**
 * Immich's server endpoints. `version` answers with the Immich API version Shoebox speaks,
 * since Immich clients compare it with their own.
 */
export const serverRoutes = new Hono<ApiEnv>()
  .get('/server/ping', (c) => c.json({ res: 'pong' }))
  .get('/server/version', (c) => c.json({ ...SHOEBOX_VERSION.immichApi, prerelease: null }))
  .get('/server/media-types', (c) => c.json(supportedExtensions()))
  .get('/server/features', async (c) => {
    const ml = await readMlSettings(c.var.ports.db, c.var.ports.config);
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
      oauth: false,
      oauthAutoLaunch: false,
      ocr: false,
      passwordLogin: true,
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
    const ml = await readMlSettings(db, config);
    return c.json({
      // The phone app's map styles (MapLibre): fetched by the phone, not by this server.
      mapLightStyleUrl: config.mapStyleUrls.light,
      mapDarkStyleUrl: config.mapStyleUrls.dark,
      minFaces: ml.facialRecognition.minFaces,
      isInitialized: rows[0]!.initialized,
      isOnboarded: rows[0]!.initialized,
      loginPageMessage: '',
      oauthButtonText: '',
      trashDays: c.var.ports.config.trashDays,
      userDeleteDelay: c.var.ports.config.userDeleteDays,
      externalDomain: c.var.ports.config.publicUrl ?? '',
      publicUsers: true,
      maintenanceMode: maintenanceOf(c.var.ports).status.active,
      /** Shoebox's addition: the web map's raster tiles, or null for its offline world outline. */
      mapTileUrl: c.var.ports.config.mapTileUrl ?? null,
    });
  })
  .get('/server/storage', authenticate, async (c) => c.json(await serverStorage(c.var.ports)))
  .get('/server/about', authenticate, (c) =>
    c.json({
      version: `v${SHOEBOX_VERSION.immichApi.major}.${SHOEBOX_VERSION.immichApi.minor}.${SHOEBOX_VERSION.immichApi.patch}`,
      versionUrl: 'https://github.com/immich-app/immich/releases',
      licensed: false,
      nodejs: process.version,
      repository: 'shoebox',
      build: SHOEBOX_VERSION.shoebox,
    }),
  );
