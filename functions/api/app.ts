import { Hono, type Context } from 'hono';
import type { ApiEnv } from '../../core/http/api-env.js';
import { errorResponse } from '../../core/http/errors.js';
import { BadRequest } from '../../core/errors.js';
import { drainUnreadBody } from '../../core/http/validate.js';
import { requestOrigin } from '../../core/http/request-origin.js';
import { SHARE_NOT_FOUND_HTML, sharePageHtml, sharePreview } from '../../core/sharing/share-page.js';
import { sharedLinkByKey, sharedLinkBySlug, type SharedLink } from '../../core/sharing/shared-link.js';
import type { Ports } from '../../core/runtime/ports.js';
import { uploadRoutes } from '../upload/routes.js';
import { activityRoutes } from './activity-routes.js';
import { albumRoutes } from './album-routes.js';
import { assetRoutes } from './asset-routes.js';
import { assetFileRoutes } from './asset-file-routes.js';
import { authRoutes } from './auth-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { notificationRoutes } from './notification-routes.js';
import { integrityRoutes } from './integrity-routes.js';
import { workflowRoutes } from './workflow-routes.js';
import { clusterGroupRoutes } from './cluster-group-routes.js';
import { databaseBackupRoutes, maintenanceGate } from './database-backup-routes.js';
import { downloadRoutes } from './download-routes.js';
import { jobRoutes, queueRoutes } from './job-routes.js';
import { syncRoutes } from './sync-routes.js';
import { libraryRoutes } from './library-routes.js';
import { openApiDocument } from './openapi.js';
import { partnerRoutes } from './partner-routes.js';
import { sessionRoutes } from './session-routes.js';
import { stackRoutes } from './stack-routes.js';
import { duplicateRoutes } from './duplicate-routes.js';
import { tagRoutes } from './tag-routes.js';
import { serverRoutes } from './server-routes.js';
import { sharedLinkRoutes } from './shared-link-routes.js';
import { peopleRoutes } from './people-routes.js';
import { searchRoutes } from './search-routes.js';
import { systemConfigRoutes } from './system-config-routes.js';
import { systemMetadataRoutes } from './system-metadata-routes.js';
import { timelineRoutes } from './timeline-routes.js';
import { userRoutes } from './user-routes.js';
import { viewRoutes } from './view-routes.js';

/**
 * What the server answers beyond /api, on the local server and behind CloudFront alike:
 * Immich's discovery document, and the share page at /share/{key} — the address Immich's
 * apps give out for a shared link — with the link's preview for chat apps and mail.
 */
export function createServerApp(ports: Ports): Hono {
  const app = new Hono();
  // Immich's server (Nest) answers /api/assets/ as /api/assets, and clients send both.
  app.use('/api/*', async (c, next) => {
    const url = new URL(c.req.url);
    if (!url.pathname.endsWith('/')) return next();
    url.pathname = url.pathname.replace(/\/+$/, '');
    return app.fetch(new Request(url, c.req.raw), c.env);
  });
  app.get('/.well-known/immich', (c) => c.json({ api: { endpoint: '/api' } }));
  const sharePage = async (c: Context, link: SharedLink | undefined) => {
    if (!link) return c.html(SHARE_NOT_FOUND_HTML, 404);
    const preview = await sharePreview(ports.db, link, ports.clock.now());
    c.header('cache-control', 'private, max-age=60');
    return c.html(sharePageHtml(link.key, preview, requestOrigin(c, ports.config)));
  };
  // Keys are 43 base64url characters, slugs up to 100 of [A-Za-z0-9_-]; anything else is no link, and costs no query.
  app.get('/share/:key', async (c) => {
    const key = c.req.param('key');
    return sharePage(c, /^[\w-]{1,100}$/.test(key) ? await sharedLinkByKey(ports.db, key) : undefined);
  });
  // Immich's /s/{slug}; the web app's own /s/ page (and its files) go on to the site.
  app.get('/s/:slug', async (c, next) => {
    const slug = c.req.param('slug');
    if (!/^[\w-]{1,100}$/.test(slug)) return next();
    return sharePage(c, await sharedLinkBySlug(ports.db, slug));
  });
  app.route('/', createApi(ports));
  return app;
}

/** The whole HTTP API as one Hono app, served by the local server and by API Gateway alike. */
export function createApi(ports: Ports): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>().basePath('/api');
  api.use(async (c, next) => {
    c.set('ports', ports);
    // Postgres cannot store or compare NUL in text: a query parameter with one is bad input, not a 500.
    if (c.req.url.includes('%00')) throw new BadRequest('The URL may not contain NUL (%00) characters');
    await next();
    await drainUnreadBody(c.req.raw);
  });
  api.use(maintenanceGate);
  api.onError(errorResponse);
  api.notFound((c) => c.json({ message: `Cannot ${c.req.method} ${c.req.path}` }, 404));
  api.route('/', serverRoutes);
  api.route('/', systemMetadataRoutes);
  api.route('/', databaseBackupRoutes);
  api.route('/', syncRoutes);
  api.route('/', authRoutes);
  api.route('/', oauthRoutes);
  api.route('/', notificationRoutes);
  api.route('/', integrityRoutes);
  api.route('/', workflowRoutes);
  api.route('/', clusterGroupRoutes);
  api.route('/', userRoutes);
  api.route('/', uploadRoutes);
  api.route('/', assetRoutes);
  api.route('/', assetFileRoutes);
  api.route('/', timelineRoutes);
  api.route('/', albumRoutes);
  api.route('/', activityRoutes);
  api.route('/', sharedLinkRoutes);
  api.route('/', partnerRoutes);
  api.route('/', sessionRoutes);
  api.route('/', stackRoutes);
  api.route('/', duplicateRoutes);
  api.route('/', tagRoutes);
  api.route('/', viewRoutes);
  api.route('/', downloadRoutes);
  api.route('/', libraryRoutes);
  api.route('/', jobRoutes);
  api.route('/', queueRoutes);
  api.route('/', searchRoutes);
  api.route('/', peopleRoutes);
  api.route('/', systemConfigRoutes);
  // Built on first request, not at start: a Lambda cold start should not pay for it.
  let spec: ReturnType<typeof openApiDocument> | undefined;
  api.get('/spec.json', (c) => c.json((spec ??= openApiDocument(api.routes.filter((r) => r.path !== '/api/*')))));
  // Routes mounted from other apps do not reach api.notFound: an unknown /api path answers here, in Immich's words.
  api.all('*', (c) => c.json({ message: `Cannot ${c.req.method} ${c.req.path}` }, 404));
  return api;
}
