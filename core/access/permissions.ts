import { BadRequest, Forbidden } from '../errors.js';

/**
 * What an API key may do: Immich's permission model, with Immich's names (@immich/sdk 3.2.2
 * `Permission`; a test holds the two lists together). A key holds a list of them, or `all`.
 * Sessions (the web app, the phone app) hold every permission; admin-only routes still need an
 * admin, whatever the key says.
 */
export const PERMISSIONS = [
  'all',
  'activity.create', 'activity.read', 'activity.update', 'activity.delete', 'activity.statistics',
  'apiKey.create', 'apiKey.read', 'apiKey.update', 'apiKey.delete', 'apiKey.rotate',
  'asset.read', 'asset.update', 'asset.delete', 'asset.statistics', 'asset.share', 'asset.view', 'asset.download', 'asset.upload',
  'asset.copy', 'asset.derive', 'assetFile.read', 'assetFile.delete', 'assetFile.download',
  'asset.edit.get', 'asset.edit.create', 'asset.edit.delete',
  'album.create', 'album.read', 'album.update', 'album.delete', 'album.statistics', 'album.share', 'album.download',
  'albumAsset.create', 'albumAsset.delete', 'albumUser.create', 'albumUser.update', 'albumUser.delete',
  'auth.changePassword', 'authDevice.delete', 'archive.read',
  'backup.list', 'backup.download', 'backup.upload', 'backup.delete',
  'clusterGroup.read', 'clusterGroup.leave', 'clusterGroupRequest.create', 'clusterGroupRequest.read', 'clusterGroupRequest.delete',
  'adminConfig.read', 'adminConfig.update', 'userConfig.read',
  'duplicate.read', 'duplicate.delete',
  'face.create', 'face.read', 'face.update', 'face.delete',
  'folder.read', 'job.create', 'job.read',
  'library.create', 'library.read', 'library.update', 'library.delete', 'library.statistics',
  'timeline.read', 'timeline.download', 'maintenance', 'map.read', 'map.search',
  'memory.create', 'memory.read', 'memory.update', 'memory.delete', 'memory.statistics', 'memoryAsset.create', 'memoryAsset.delete',
  'notification.create', 'notification.read', 'notification.update', 'notification.delete',
  'partner.create', 'partner.read', 'partner.update', 'partner.delete',
  'person.create', 'person.read', 'person.update', 'person.delete', 'person.statistics', 'person.merge', 'person.reassign',
  'pinCode.create', 'pinCode.update', 'pinCode.delete',
  'plugin.create', 'plugin.read', 'plugin.update', 'plugin.delete',
  'server.about', 'server.apkLinks', 'server.storage', 'server.statistics', 'server.versionCheck',
  'serverLicense.read', 'serverLicense.update', 'serverLicense.delete',
  'session.create', 'session.read', 'session.update', 'session.delete', 'session.lock',
  'sharedLink.create', 'sharedLink.read', 'sharedLink.update', 'sharedLink.delete',
  'stack.create', 'stack.read', 'stack.update', 'stack.delete',
  'sync.stream', 'syncCheckpoint.read', 'syncCheckpoint.update', 'syncCheckpoint.delete',
  'systemConfig.read', 'systemConfig.update', 'systemMetadata.read', 'systemMetadata.update',
  'tag.create', 'tag.read', 'tag.update', 'tag.delete', 'tag.asset',
  'user.read', 'user.update', 'userLicense.create', 'userLicense.read', 'userLicense.update', 'userLicense.delete',
  'userOnboarding.read', 'userOnboarding.update', 'userOnboarding.delete', 'userPreference.read', 'userPreference.update',
  'userProfileImage.create', 'userProfileImage.read', 'userProfileImage.update', 'userProfileImage.delete',
  'queue.read', 'queue.update', 'queueJob.create', 'queueJob.read', 'queueJob.update', 'queueJob.delete',
  'workflow.create', 'workflow.read', 'workflow.update', 'workflow.delete', 'workflow.logs',
  'adminUser.create', 'adminUser.read', 'adminUser.update', 'adminUser.delete', 'adminSession.read', 'adminAuth.unlinkAll',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * What each route needs from an API key, keyed `METHOD /path/{param}` as Immich's spec writes
 * it: a permission (Immich's `x-immich-permission` for the same route), `public` (no
 * credential at all) or `any` (any credential; Immich's routes without a permission). Every
 * route the API serves is here — a test fails on one that is not — and a route missing at run
 * time is refused to keys (fail closed).
 */
export const ROUTE_PERMISSIONS: Record<string, Permission | 'public' | 'any'> = {
  'GET /server/ping': 'public',
  'GET /server/version': 'public',
  'GET /server/media-types': 'public',
  'GET /server/features': 'public',
  'GET /server/config': 'public',
  'GET /server/about': 'server.about',
  'GET /server/statistics': 'server.statistics',
  'GET /spec.json': 'public',
  'POST /auth/admin-sign-up': 'public',
  'POST /auth/login': 'public',
  'POST /auth/logout': 'any',
  'POST /auth/change-password': 'auth.changePassword',
  'POST /api-keys': 'apiKey.create',
  'GET /api-keys': 'apiKey.read',
  'GET /api-keys/me': 'any',
  'GET /api-keys/{id}': 'apiKey.read',
  'DELETE /api-keys/{id}': 'apiKey.delete',
  'GET /users/me': 'user.read',
  'GET /users': 'user.read',
  'GET /admin/users': 'adminUser.read',
  'POST /admin/users': 'adminUser.create',
  'GET /admin/users/{id}': 'adminUser.read',
  'PUT /admin/users/{id}': 'adminUser.update',
  'DELETE /admin/users/{id}': 'adminUser.delete',
  'POST /admin/users/{id}/restore': 'adminUser.delete',
  'GET /admin/users/{id}/statistics': 'adminUser.read',
  // Shoebox's presigned uploads are uploads, like Immich's multipart POST /assets.
  'POST /uploads': 'asset.upload',
  'GET /uploads/{id}': 'asset.upload',
  'POST /uploads/{id}/complete': 'asset.upload',
  'DELETE /uploads/{id}': 'asset.upload',
  'POST /assets': 'asset.upload',
  'POST /assets/bulk-upload-check': 'asset.upload',
  'GET /assets/statistics': 'asset.statistics',
  'GET /assets/{id}': 'asset.read',
  'PUT /assets/{id}': 'asset.update',
  'PUT /assets': 'asset.update',
  'DELETE /assets': 'asset.delete',
  'GET /assets/{id}/thumbnail': 'asset.view',
  'GET /assets/{id}/original': 'asset.download',
  'GET /assets/{id}/video/playback': 'asset.view',
  'POST /trash/empty': 'asset.delete',
  'POST /trash/restore': 'asset.delete',
  'POST /trash/restore/assets': 'asset.delete',
  'POST /search/metadata': 'asset.read',
  'POST /search/smart': 'asset.read',
  'POST /search/random': 'asset.read',
  'POST /search/statistics': 'asset.statistics',
  'POST /search/large-assets': 'asset.read',
  'GET /search/person': 'person.read',
  'GET /search/cities': 'asset.read',
  'GET /search/suggestions': 'asset.read',
  'GET /timeline/buckets': 'asset.read',
  'GET /timeline/bucket': 'asset.read',
  'GET /map/markers': 'map.read',
  'GET /map/reverse-geocode': 'map.search',
  'GET /memories': 'memory.read',
  'POST /memories': 'memory.create',
  'GET /memories/statistics': 'memory.statistics',
  'PUT /memories/{id}/assets': 'memoryAsset.create',
  'DELETE /memories/{id}/assets': 'memoryAsset.delete',
  'GET /memories/{id}': 'memory.read',
  'PUT /memories/{id}': 'memory.update',
  'DELETE /memories/{id}': 'memory.delete',
  'GET /albums': 'album.read',
  'POST /albums': 'album.create',
  'GET /albums/statistics': 'album.statistics',
  'PUT /albums/assets': 'albumAsset.create',
  'GET /albums/{id}': 'album.read',
  'PATCH /albums/{id}': 'album.update',
  'DELETE /albums/{id}': 'album.delete',
  'PUT /albums/{id}/assets': 'albumAsset.create',
  'DELETE /albums/{id}/assets': 'albumAsset.delete',
  'PUT /albums/{id}/users': 'albumUser.create',
  'PUT /albums/{id}/user/{userId}': 'albumUser.update',
  'DELETE /albums/{id}/user/{userId}': 'albumUser.delete',
  'GET /activities': 'activity.read',
  'POST /activities': 'activity.create',
  'GET /activities/statistics': 'activity.statistics',
  'DELETE /activities/{id}': 'activity.delete',
  'GET /shared-links/me': 'any',
  'GET /shared-links': 'sharedLink.read',
  'POST /shared-links': 'sharedLink.create',
  'GET /shared-links/{id}': 'sharedLink.read',
  'PATCH /shared-links/{id}': 'sharedLink.update',
  'DELETE /shared-links/{id}': 'sharedLink.delete',
  'PUT /shared-links/{id}/assets': 'sharedLink.update',
  'DELETE /shared-links/{id}/assets': 'sharedLink.update',
  'GET /stacks': 'stack.read',
  'POST /stacks': 'stack.create',
  'DELETE /stacks': 'stack.delete',
  'GET /stacks/{id}': 'stack.read',
  'PUT /stacks/{id}': 'stack.update',
  'DELETE /stacks/{id}': 'stack.delete',
  'DELETE /stacks/{id}/assets/{assetId}': 'stack.update',
  'POST /download/info': 'asset.download',
  'POST /download/archive': 'asset.download',
  'GET /view/folder/unique-paths': 'folder.read',
  'GET /view/folder': 'folder.read',
  'GET /tags': 'tag.read',
  'POST /tags': 'tag.create',
  'PUT /tags': 'tag.create',
  'PUT /tags/assets': 'tag.asset',
  'GET /tags/{id}': 'tag.read',
  'PUT /tags/{id}': 'tag.update',
  'DELETE /tags/{id}': 'tag.delete',
  'PUT /tags/{id}/assets': 'tag.asset',
  'DELETE /tags/{id}/assets': 'tag.asset',
  'GET /partners': 'partner.read',
  'POST /partners': 'partner.create',
  'POST /partners/{id}': 'partner.create',
  'PUT /partners/{id}': 'partner.update',
  'DELETE /partners/{id}': 'partner.delete',
  'GET /people': 'person.read',
  'POST /people': 'person.create',
  'PUT /people': 'person.update',
  'POST /people/recluster': 'person.reassign',
  'GET /people/{id}': 'person.read',
  'PUT /people/{id}': 'person.update',
  'POST /people/{id}/merge': 'person.merge',
  'GET /people/{id}/statistics': 'person.statistics',
  'GET /people/{id}/thumbnail': 'person.read',
  'GET /faces': 'face.read',
  'PUT /faces/{id}': 'face.update',
  'GET /libraries': 'library.read',
  'POST /libraries': 'library.create',
  'GET /libraries/{id}': 'library.read',
  'PUT /libraries/{id}': 'library.update',
  'DELETE /libraries/{id}': 'library.delete',
  'POST /libraries/{id}/scan': 'library.update',
  'POST /libraries/{id}/validate': 'library.read',
  'GET /libraries/{id}/statistics': 'library.statistics',
  'GET /jobs': 'job.read',
  'PUT /users/me': 'user.update',
  'GET /users/me/preferences': 'userPreference.read',
  'PUT /users/me/preferences': 'userPreference.update',
  'GET /auth/status': 'any',
  'POST /auth/validateToken': 'any',
  'GET /server/storage': 'server.storage',
  'GET /search/places': 'asset.read',
  'GET /search/explore': 'asset.read',
  'GET /assets/{id}/metadata': 'asset.read',
  'PUT /assets/{id}/metadata': 'asset.update',
  'POST /sync/stream': 'sync.stream',
  'GET /sync/ack': 'syncCheckpoint.read',
  'POST /sync/ack': 'syncCheckpoint.update',
  'DELETE /sync/ack': 'syncCheckpoint.delete',
  'POST /jobs': 'job.create',
  'GET /admin/database-backups': 'maintenance',
  'GET /admin/database-backups/{filename}': 'backup.download',
  'DELETE /admin/database-backups': 'backup.delete',
  'POST /admin/database-backups/upload': 'backup.upload',
  'POST /admin/database-backups/start-restore': 'public',
  'GET /admin/maintenance/status': 'public',
  'POST /admin/maintenance': 'maintenance',
  'PUT /jobs/{name}': 'job.create',
  'GET /jobs/{name}/dead-letters': 'job.read',
  'POST /jobs/{name}/redrive': 'job.create',
  'GET /system-config': 'systemConfig.read',
  'GET /system-config/defaults': 'systemConfig.read',
  'PUT /system-config': 'systemConfig.update',
};

/** A Hono route (`GET`, `/api/albums/:id`) as the tables key it: `GET /albums/{id}`, Immich's spelling. */
export function routeKey(method: string, honoPath: string): string {
  return `${method} ${honoPath.replace(/^\/api(?=\/)/, '').replace(/:(\w+)/g, '{$1}')}`;
}

/** Immich's rule: `all` grants everything, otherwise every requested permission must be held. */
export function isGranted(held: readonly string[], requested: readonly string[]): boolean {
  return held.includes('all') || requested.every((permission) => held.includes(permission));
}

/**
 * Throws unless an API key with `held` may use the route `routeKey`. Requests without a key
 * (sessions, shared links) are not limited here.
 */
export function requireRoutePermission(held: readonly string[] | undefined, routeKey: string): void {
  if (!held) return;
  const needed = ROUTE_PERMISSIONS[routeKey];
  if (needed === 'public' || needed === 'any') return;
  if (!needed) throw new Forbidden('Missing required permission: all');
  if (!isGranted(held, [needed])) throw new Forbidden(`Missing required permission: ${needed}`);
}

/** A new key may hold only what the key creating it holds (a session holds all). */
export function requireGrantable(creatorKey: readonly string[] | undefined, requested: readonly string[]): void {
  if (creatorKey && !isGranted(creatorKey, requested)) throw new BadRequest('Cannot grant permissions you do not have');
}
