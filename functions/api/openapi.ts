import { z } from 'zod';
import { SHOEBOX_VERSION } from '../../core/version.js';
import { AssetDelete, MetadataSearch } from './asset-routes.js';
import { ApiKeyCreate, Login, SignUp } from './auth-routes.js';
import { UserAdminCreate } from './user-routes.js';
import { BulkUploadCheck, UploadComplete, UploadCreate } from '../upload/routes.js';

interface RouteDoc {
  summary: string;
  body?: z.ZodType;
  public?: boolean;
}

/** What each route does; the spec lists exactly the routes the app serves (a test holds the two together). */
const DOCS: Record<string, RouteDoc> = {
  'GET /api/server/ping': { summary: 'Liveness check', public: true },
  'GET /api/server/version': { summary: 'Immich API version this server speaks', public: true },
  'GET /api/server/media-types': { summary: 'File extensions accepted for upload', public: true },
  'GET /api/server/features': { summary: 'Features enabled on this server', public: true },
  'GET /api/server/about': { summary: 'Versions of the server and its media libraries' },
  'POST /api/auth/admin-sign-up': { summary: 'Create the first (admin) account', body: SignUp, public: true },
  'POST /api/auth/login': { summary: 'Log in with email and password; sets the session cookie', body: Login, public: true },
  'POST /api/auth/logout': { summary: 'End the current session' },
  'POST /api/api-keys': { summary: 'Create an API key (the secret is shown once)', body: ApiKeyCreate },
  'GET /api/api-keys': { summary: 'List your API keys' },
  'GET /api/api-keys/me': { summary: 'The API key this request uses' },
  'GET /api/api-keys/{id}': { summary: 'One of your API keys' },
  'DELETE /api/api-keys/{id}': { summary: 'Revoke an API key' },
  'GET /api/users/me': { summary: 'The signed-in user' },
  'POST /api/admin/users': { summary: 'Create a user (admin)', body: UserAdminCreate },
  'POST /api/uploads': { summary: 'Start a presigned upload: returns a PUT URL or multipart part URLs, or the duplicate', body: UploadCreate },
  'GET /api/uploads/{id}': { summary: 'Where an upload stands (uploading, processing, ready, failed + reason)' },
  'POST /api/uploads/{id}/complete': { summary: 'Complete a multipart upload with the parts’ ETags', body: UploadComplete },
  'DELETE /api/uploads/{id}': { summary: 'Abort an unfinished upload' },
  'POST /api/assets': { summary: 'Upload an asset as multipart/form-data (assetData), Immich-style' },
  'POST /api/assets/bulk-upload-check': { summary: 'Which of these SHA-1 checksums are already uploaded', body: BulkUploadCheck },
  'GET /api/assets/{id}': { summary: 'Asset details with EXIF' },
  'GET /api/assets/{id}/thumbnail': { summary: 'Redirect to the thumbnail (size=thumbnail) or preview (size=preview)' },
  'GET /api/assets/{id}/original': { summary: 'Redirect to the original file' },
  'DELETE /api/assets': { summary: 'Trash assets, or delete them for good with force', body: AssetDelete },
  'POST /api/search/metadata': { summary: 'Search your assets by metadata', body: MetadataSearch },
  'GET /api/jobs': { summary: 'Queue counts per pipeline stage (admin)' },
  'GET /api/jobs/{name}/dead-letters': { summary: 'Messages a stage gave up on, with reasons (admin)' },
  'POST /api/jobs/{name}/redrive': { summary: 'Send a stage’s dead letters back to its queue (admin)' },
  'GET /api/spec.json': { summary: 'This document', public: true },
};

export function openApiDocument(routes: ReadonlyArray<{ method: string; path: string }>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.endsWith('*')) continue;
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const doc = DOCS[`${route.method} ${path}`];
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: doc?.summary ?? '',
      ...(params.length ? { parameters: params } : {}),
      ...(doc?.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(doc.body, { io: 'input', unrepresentable: 'any' }) } } } }
        : {}),
      ...(doc?.public ? { security: [] } : {}),
      responses: { default: { description: 'See Immich’s API for the response shape; errors are { message, error, statusCode }' } },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Shoebox', version: SHOEBOX_VERSION.shoebox, description: 'Immich-compatible photo library API' },
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'immich_access_token' },
      },
    },
    security: [{ apiKey: [] }, { bearer: [] }, { cookie: [] }],
    paths,
  };
}

export function documentedRoutes(): string[] {
  return Object.keys(DOCS);
}
