import { Hono } from 'hono';
import type { ApiEnv } from '../../core/http/api-env.js';
import { authenticate } from '../../core/http/authenticate.js';
import { supportedExtensions } from '../../core/media/media-types.js';
import { SHOEBOX_VERSION } from '../../core/version.js';

/**
 * Immich's server endpoints. `version` answers with the Immich API version Shoebox speaks,
 * since Immich clients compare it with their own.
 */
export const serverRoutes = new Hono<ApiEnv>()
  .get('/server/ping', (c) => c.json({ res: 'pong' }))
  .get('/server/version', (c) => c.json({ ...SHOEBOX_VERSION.immichApi, prerelease: null }))
  .get('/server/media-types', (c) => c.json(supportedExtensions()))
  .get('/server/features', (c) =>
    c.json({
      smartSearch: false,
      facialRecognition: false,
      duplicateDetection: false,
      map: false,
      reverseGeocoding: false,
      importFaces: false,
      sidecar: false,
      search: true,
      trash: true,
      oauth: false,
      oauthAutoLaunch: false,
      ocr: false,
      passwordLogin: true,
      configFile: false,
      email: false,
    }),
  )
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
