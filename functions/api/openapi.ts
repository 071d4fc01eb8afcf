import { z } from 'zod';
import { ROUTE_PERMISSIONS, routeKey } from '../../core/access/permissions.js';
import { SHOEBOX_VERSION } from '../../core/version.js';
import { PictureEdits } from '../../core/assets/picture-edits.js';
import { ActivityCreate } from './activity-routes.js';
import { AlbumAssets, AlbumCreate, AlbumsAssets, AlbumUpdate, AlbumUserRole, AlbumUsersAdd } from './album-routes.js';
import { AssetBulkUpdate, AssetCopy, AssetDelete, AssetIds, AssetJobs, AssetMetadataUpsert, AssetUpdate } from './asset-routes.js';
import { LibraryCreate, LibraryUpdate, LibraryValidate } from './library-routes.js';
import { PartnerCreate, PartnerUpdate } from './partner-routes.js';
import { SessionCreate, SessionUpdate } from './session-routes.js';
import { StackCreate, StackIds, StackUpdate } from './stack-routes.js';
import { DuplicateIds, DuplicateResolve } from './duplicate-routes.js';
import { DownloadArchive, DownloadInfo } from './download-routes.js';
import { TagAssetIds, TagBulkAssets, TagCreate, TagUpdate, TagUpsert } from './tag-routes.js';
import { SharedLinkAssets, SharedLinkCreate, SharedLinkEdit, SharedLinkLogin } from './shared-link-routes.js';
import { MemoryAssetIds, MemoryCreate, MemoryUpdate } from './timeline-routes.js';
import { MetadataSearch, RandomSearch, SmartSearchBody, StatisticsSearch } from './search-routes.js';
import { FaceCreate, FaceDelete, FaceReassign, FacesReassign, PeopleDelete, PeopleUpdate, PersonCreate, PersonMerge, PersonUpdate } from './people-routes.js';
import { SystemConfigUpdate } from './system-config-routes.js';
import { LicenseKey } from '../../core/licenses/licenses.js';
import { JobCommand, QueueDelete, QueueUpdate } from './job-routes.js';
import { SyncAckDelete, SyncAckSet, SyncStreamRequest } from './sync-routes.js';
import { DatabaseBackupDelete, JobCreate, SetMaintenanceMode } from './database-backup-routes.js';
import { ApiKeyCreate, ApiKeyUpdate, ChangePassword, Login, PinCodeChange, PinCodeReset, PinCodeSetup, SignUp } from './auth-routes.js';
import { OAuthBackchannelLogout, OAuthCallback, OAuthConfig } from './oauth-routes.js';
import { UserAdminCreate, UserAdminDelete, UserAdminUpdate, UserUpdateMe } from './user-routes.js';
import { UserPreferencesUpdate } from '../../core/users/user-preferences.js';
import { BulkUploadCheck, UploadComplete, UploadCreate } from '../upload/routes.js';

interface RouteDoc {
  summary: string;
  body?: z.ZodType;
}

/** What each route does; the spec lists exactly the routes the app serves (a test holds the two together). */
const DOCS: Record<string, RouteDoc> = {
  'GET /api/server/ping': { summary: 'Liveness check' },
  'GET /api/server/version': { summary: 'Immich API version this server speaks' },
  'GET /api/server/media-types': { summary: 'File extensions accepted for upload' },
  'GET /api/server/features': { summary: 'Features enabled on this server (smart search and faces follow the ML settings)' },
  'GET /api/server/config': { summary: 'What a login page needs: whether the first account exists, its message, trash and deletion delays, map styles' },
  'GET /api/server/about': { summary: 'Versions of the server and its media libraries' },
  'PUT /api/users/me': { summary: 'Change your name, e-mail or avatar colour (the password: POST /auth/change-password)', body: UserUpdateMe },
  'GET /api/users/me/preferences': { summary: 'Your preferences (Immich’s UserPreferences: defaults with your changes over them)' },
  'PUT /api/users/me/preferences': { summary: 'Change some preferences; sections and fields not sent stay as they were', body: UserPreferencesUpdate },
  'GET /api/auth/status': { summary: 'How you are signed in: password, PIN code, session expiry, whether the locked folder is open (isElevated, pinExpiresAt)' },
  'POST /api/auth/pin-code': { summary: 'Set your locked-folder PIN code (six digits); 400 when you have one', body: PinCodeSetup },
  'PUT /api/auth/pin-code': { summary: 'Change your PIN code, proving it with the current PIN or your password', body: PinCodeChange },
  'DELETE /api/auth/pin-code': { summary: 'Remove your PIN code (the current PIN or your password proves it is you); locks every session', body: PinCodeReset },
  'POST /api/auth/session/unlock': { summary: 'Open the locked folder in this session for 15 minutes (extended while used) with your PIN code; sessions only, not API keys', body: PinCodeReset },
  'POST /api/auth/session/lock': { summary: 'Close the locked folder in this session' },
  'POST /api/auth/validateToken': { summary: 'Whether the credential sent is still good ({authStatus: true}, else 401)' },
  'GET /api/server/storage': { summary: 'Size, use and free space of the disk the library is on (on S3: the bytes stored)' },
  'POST /api/sync/stream': { summary: 'The phone app’s sync: JSON lines {type, data, ack} of what changed since this session’s checkpoints, then SyncCompleteV1 (sessions only)', body: SyncStreamRequest },
  'GET /api/sync/ack': { summary: 'This session’s sync checkpoints, one per entity type' },
  'POST /api/sync/ack': { summary: 'Acknowledge sync lines (the last ack of each type wins; SyncResetV1 starts over)', body: SyncAckSet },
  'DELETE /api/sync/ack': { summary: 'Forget this session’s checkpoints (all, or these types): the next stream sends them again', body: SyncAckDelete },
  'GET /api/assets/{id}/metadata': { summary: 'Key/value facts clients keep about your asset (the iOS app’s "mobile-app" entry)' },
  'PUT /api/assets/{id}/metadata': { summary: 'Set metadata items of your asset (replaces the value of each key given)', body: AssetMetadataUpsert },
  'GET /api/search/places': { summary: 'Towns whose name starts with ?name= (offline GeoNames data), the most populous first' },
  'GET /api/search/explore': { summary: 'The explore page: one recent photo of yours per place' },
  'GET /api/admin/database-backups': { summary: 'The database backups in <data>/backups, newest first (admin, or the maintenance token)' },
  'GET /api/admin/database-backups/{filename}': { summary: 'Download a database backup (admin)' },
  'DELETE /api/admin/database-backups': { summary: 'Delete database backups by name; all must exist or none is deleted (admin)', body: DatabaseBackupDelete },
  'POST /api/admin/database-backups/upload': { summary: 'Upload a Shoebox dump (multipart `file`) to restore from; kept as uploaded-<name> (admin)' },
  'POST /api/admin/database-backups/start-restore': { summary: 'On a server with no account yet: enter maintenance to restore a backup (sets the maintenance cookie)' },
  'GET /api/admin/maintenance/status': { summary: 'Whether maintenance (a restore) is on, and how it went' },
  'POST /api/admin/maintenance': { summary: 'Start or end maintenance, or restore a backup (restore_database + restoreBackupFilename): one transaction, all or nothing', body: SetMaintenanceMode },
  'POST /api/jobs': { summary: 'Run a job now: backup-database (the others run daily by themselves)', body: JobCreate },
  'POST /api/auth/admin-sign-up': { summary: 'Create the first (admin) account', body: SignUp },
  'POST /api/auth/login': { summary: 'Log in with email and password; sets the session cookie', body: Login },
  'POST /api/auth/logout': { summary: 'End the current session; redirectUri is the provider\'s sign-out page after an OAuth sign-in' },
  'GET /api/oauth/mobile-redirect': { summary: 'Forwards the provider\'s answer to the Immich phone app (app.immich:///oauth-callback), for providers that allow only https redirects' },
  'POST /api/oauth/authorize': { summary: 'Start an OpenID Connect sign-in: the provider\'s URL to send the browser to (state and PKCE verifier kept in cookies unless the client brings its own)', body: OAuthConfig },
  'POST /api/oauth/callback': { summary: 'Finish an OpenID Connect sign-in with the URL the provider sent the browser back to; links by e-mail or registers a new user when allowed', body: OAuthCallback },
  'POST /api/oauth/link': { summary: 'Link your account to your account at the identity provider', body: OAuthCallback },
  'POST /api/oauth/unlink': { summary: 'Unlink your account from the identity provider' },
  'POST /api/oauth/backchannel-logout': { summary: 'The provider signs a session out (OpenID Connect Back-Channel Logout; form or JSON)', body: OAuthBackchannelLogout },
  'POST /api/auth/change-password': { summary: 'Change your password (the current one proves it is you); invalidateSessions ends the others', body: ChangePassword },
  'POST /api/api-keys': { summary: 'Create an API key (the secret is shown once)', body: ApiKeyCreate },
  'GET /api/api-keys': { summary: 'List your API keys' },
  'GET /api/api-keys/me': { summary: 'The API key this request uses' },
  'GET /api/api-keys/{id}': { summary: 'One of your API keys' },
  'PUT /api/api-keys/{id}': { summary: 'Rename an API key or change its permissions (no more than the key asking holds)', body: ApiKeyUpdate },
  'PATCH /api/api-keys/{id}': { summary: 'The same as PUT (Immich 3’s newer verb)', body: ApiKeyUpdate },
  'DELETE /api/api-keys/{id}': { summary: 'Revoke an API key' },
  'GET /api/users/me': { summary: 'The signed-in user' },
  'GET /api/users': { summary: 'Everyone on this server (to share albums and libraries with)' },
  'GET /api/admin/users': { summary: 'All users with their storage use (admin); withDeleted=true adds deleted ones' },
  'POST /api/admin/users': { summary: 'Create a user (admin)', body: UserAdminCreate },
  'GET /api/admin/users/{id}': { summary: 'One user (admin)' },
  'GET /api/admin/users/{id}/preferences': { summary: 'A user’s preferences (admin)' },
  'PUT /api/admin/users/{id}/preferences': { summary: 'Change a user’s preferences (admin)', body: UserPreferencesUpdate },
  'GET /api/users/{id}': { summary: 'One user as others see them (404 for no such or a deleted user)' },
  'PUT /api/admin/users/{id}': { summary: 'Change a user: name, e-mail, password, admin, quota (admin)', body: UserAdminUpdate },
  'DELETE /api/admin/users/{id}': { summary: 'Delete a user: restorable for SHOEBOX_USER_DELETE_DAYS, then their files go; force removes now (admin)', body: UserAdminDelete },
  'POST /api/admin/users/{id}/restore': { summary: 'Restore a deleted user whose files are not yet removed (admin)' },
  'GET /api/admin/users/{id}/statistics': { summary: 'A user’s photo and video counts (admin)' },
  'GET /api/server/statistics': { summary: 'Photos, videos and bytes per user (admin)' },
  'POST /api/uploads': { summary: 'Start a presigned upload: returns a PUT URL or multipart part URLs, or the duplicate', body: UploadCreate },
  'GET /api/uploads/{id}': { summary: 'Where an upload stands (uploading, processing, ready, failed + reason)' },
  'POST /api/uploads/{id}/complete': { summary: 'Complete a multipart upload with the parts’ ETags', body: UploadComplete },
  'DELETE /api/uploads/{id}': { summary: 'Abort an unfinished upload' },
  'POST /api/assets': { summary: 'Upload an asset as multipart/form-data (assetData), Immich-style' },
  'POST /api/assets/bulk-upload-check': { summary: 'Which of these SHA-1 checksums are already uploaded', body: BulkUploadCheck },
  'GET /api/assets/statistics': { summary: 'Counts of your images and videos (filters: isFavorite, isTrashed, visibility)' },
  'GET /api/assets/{id}': { summary: 'Asset details with EXIF (owner, partner, album member, or ?key= of a shared link)' },
  'PUT /api/assets/{id}': { summary: 'Edit favourite, visibility, date/time with zone, location, description, rating; stored as data and an XMP sidecar', body: AssetUpdate },
  'PUT /api/assets': { summary: 'Edit many of your assets at once', body: AssetBulkUpdate },
  'GET /api/assets/{id}/edits': { summary: 'The crop, rotation and mirror applied to a photo, in order' },
  'PUT /api/assets/{id}/edits': { summary: 'Crop (first, in the original’s pixels), rotate (90° steps, clockwise) and mirror a photo; the thumbnails are made again, the original is untouched (owner)', body: PictureEdits },
  'DELETE /api/assets/{id}/edits': { summary: 'Back to the original: the edits go and the thumbnails are made again (owner)' },
  'PUT /api/assets/copy': { summary: 'Put the target where the source is (an edited copy saved as new): albums, shared links, stack, favourite, edited metadata; the owner’s, each part on unless false', body: AssetCopy },
  'POST /api/assets/jobs': { summary: 'Run a stage again for your assets: refresh-metadata, regenerate-thumbnail, refresh-faces, transcode-video', body: AssetJobs },
  'POST /api/trash/empty': { summary: 'Delete everything in your trash for good' },
  'POST /api/trash/restore': { summary: 'Restore everything in your trash' },
  'POST /api/trash/restore/assets': { summary: 'Restore these trashed assets', body: AssetIds },
  'GET /api/timeline/buckets': { summary: 'Months with asset counts (filters: albumId, userId, withPartners, isFavorite, isTrashed, visibility, key)' },
  'GET /api/timeline/bucket': { summary: 'One month’s assets as columns, by local capture time (same filters + timeBucket)' },
  'GET /api/map/markers': { summary: 'Geotagged assets as map markers (isArchived, isFavorite, fileCreatedAfter/Before, withPartners, withSharedAlbums)' },
  'GET /api/albums/{id}/map-markers': { summary: 'The album’s geotagged photos as map markers (members, or ?key= of the album’s link)' },
  'GET /api/map/reverse-geocode': { summary: 'The nearest town to lat/lon, from the shipped GeoNames data (offline)' },
  'POST /api/search/smart': { summary: 'Smart search: your assets ranked by CLIP similarity to a text (query) or an asset (queryAssetId), with filters', body: SmartSearchBody },
  'GET /api/search/suggestions': { summary: 'Place and camera values your photos have (type: country, state, city, camera-make, camera-model; narrowed by country, state, make)' },
  'GET /api/people': { summary: 'Your people with faces in timeline photos (unnamed ones from minFaces faces), favourites first, then most faces; withHidden, page, size' },
  'POST /api/people': { summary: 'Create a person (then move faces into it with PUT /faces/{id})', body: PersonCreate },
  'PUT /api/people': { summary: 'Change several people at once; per-id results', body: PeopleUpdate },
  'DELETE /api/people': { summary: 'Delete several of your people (all or none); their faces stay, unnamed', body: PeopleDelete },
  'DELETE /api/people/{id}': { summary: 'Delete one of your people; their faces stay, unnamed' },
  'PUT /api/people/{id}/reassign': { summary: 'Move the faces of data[].personId in data[].assetId to this person', body: FacesReassign },
  'DELETE /api/faces/{id}': { summary: 'Delete a face (a wrong detection); its person takes another cover', body: FaceDelete },
  'POST /api/people/recluster': { summary: 'Group all your faces again from scratch (faces moved by hand and named people stay)' },
  'GET /api/people/{id}': { summary: 'One person' },
  'PUT /api/people/{id}': { summary: 'Rename, set the birth date, hide, favourite or pick the cover face (featureFaceAssetId)', body: PersonUpdate },
  'POST /api/people/{id}/merge': { summary: 'Move the faces of other people into this one and remove them; per-id results', body: PersonMerge },
  'GET /api/people/{id}/statistics': { summary: 'How many of your assets show this person' },
  'GET /api/people/{id}/thumbnail': { summary: 'The person’s face, cropped from the cover asset’s preview (JPEG)' },
  'GET /api/faces': { summary: 'The faces found in an asset (id=asset id), with their boxes and people' },
  'POST /api/faces': { summary: 'A face the recognizer missed, drawn by hand and given to one of your people (201, no body)', body: FaceCreate },
  'PUT /api/faces/{id}': { summary: 'Move a face to another of your people (id = person id)', body: FaceReassign },
  'GET /api/system-config': { summary: 'Immich’s whole settings document; Shoebox acts on machineLearning, trash, user, server, map and oauth.buttonText, and keeps the rest as sent (admin)' },
  'GET /api/system-config/defaults': { summary: 'Server settings as they are before any change (admin)' },
  'PUT /api/system-config': { summary: 'Change server settings (the sections given); ML changes apply to the next job, without a restart (admin)', body: SystemConfigUpdate },
  'GET /api/system-config/storage-template-options': { summary: 'The storage template’s building blocks, for Immich’s settings page (admin)' },
  'GET /api/admin/config': { summary: 'The same as GET /system-config (Immich 3.2’s name)' },
  'GET /api/admin/config/defaults': { summary: 'The same as GET /system-config/defaults' },
  'PUT /api/admin/config': { summary: 'The same as PUT /system-config', body: SystemConfigUpdate },
  'GET /api/server/version-history': { summary: 'Versions this server ran before (none: Shoebox keeps no history of Immich versions)' },
  'GET /api/server/version-check': { summary: 'The newest release seen (always none: Shoebox never looks for releases on the internet)' },
  'GET /api/server/license': { summary: 'The server’s Immich licence, as activated (admin; 404 when none)' },
  'PUT /api/server/license': { summary: 'Activate an Immich server licence (IMSV-…); it is kept and shown, it unlocks nothing (admin)', body: LicenseKey },
  'DELETE /api/server/license': { summary: 'Remove the server’s licence (admin)' },
  'GET /api/shoebox/config': { summary: 'Shoebox’s own public settings: mapTileUrl, the web map’s raster tiles (null: the offline outline)' },
  'GET /api/system-metadata/admin-onboarding': { summary: 'Whether the admin finished onboarding (always: Immich 3 has none left) (admin)' },
  'POST /api/system-metadata/admin-onboarding': { summary: 'Mark the admin’s onboarding done (a no-op, as in Immich 3) (admin)' },
  'GET /api/system-metadata/reverse-geocoding-state': { summary: 'Where place names come from (GeoNames’ cities500.txt) and when it was installed (admin)' },
  'GET /api/system-metadata/version-check-state': { summary: 'When releases were last looked for (never) (admin)' },
  'GET /api/users/me/license': { summary: 'Your Immich licence, as activated (404 when none)' },
  'PUT /api/users/me/license': { summary: 'Activate an Immich licence for yourself (IMCL-… or IMSV-…); kept and shown, it unlocks nothing', body: LicenseKey },
  'DELETE /api/users/me/license': { summary: 'Remove your licence' },
  'GET /api/users/me/onboarding': { summary: 'Whether you finished onboarding (always, as in Immich 3)' },
  'PUT /api/users/me/onboarding': { summary: 'Mark your onboarding done (a no-op, as in Immich 3)' },
  'DELETE /api/users/me/onboarding': { summary: 'Undo your onboarding (a no-op, as in Immich 3)' },
  'PUT /api/jobs/{name}': { summary: 'Immich’s queue command: start queues the stage for assets missing its work (force: all; library: scan every library), pause holds it (for 6 hours at most; not on AWS, where Lambda polls the queues), resume, empty drops waiting jobs, clear-failed drops dead letters (admin)', body: JobCommand },
  'GET /api/queues': { summary: 'Every Immich queue with its counts and whether it is paused (admin)' },
  'GET /api/queues/{name}': { summary: 'One Immich queue with its counts (admin)' },
  'PUT /api/queues/{name}': { summary: 'Pause (6 hours at most) or resume a queue (admin)', body: QueueUpdate },
  'DELETE /api/queues/{name}/jobs': { summary: 'Drop a queue’s waiting jobs, and with failed its dead letters too (admin)', body: QueueDelete },
  'GET /api/memories': { summary: '“On this day” memories; for=YYYY-MM-DD builds and returns that day’s' },
  'POST /api/memories': { summary: 'Make an “on this day” memory (memoryAt, data.year) with your or your partners’ assets', body: MemoryCreate },
  'GET /api/memories/statistics': { summary: 'How many memories you have (isSaved=true: saved ones)' },
  'PUT /api/memories/{id}/assets': { summary: 'Add assets to your memory; per-id results', body: MemoryAssetIds },
  'DELETE /api/memories/{id}/assets': { summary: 'Take assets out of your memory; per-id results', body: MemoryAssetIds },
  'GET /api/memories/{id}': { summary: 'One memory with its assets' },
  'PUT /api/memories/{id}': { summary: 'Save a memory or mark it seen', body: MemoryUpdate },
  'DELETE /api/memories/{id}': { summary: 'Hide a memory for good' },
  'GET /api/albums': { summary: 'Your albums and those shared with you (isOwned, isShared, or assetId alone); the owner first in albumUsers' },
  'POST /api/albums': { summary: 'Create an album, optionally with assets and members', body: AlbumCreate },
  'GET /api/albums/statistics': { summary: 'How many albums you own, share, and have shared with you' },
  'PUT /api/albums/assets': { summary: 'Add assets to several albums', body: AlbumsAssets },
  'GET /api/albums/{id}': { summary: 'An album with its assets (withoutAssets=true for the summary)' },
  'PATCH /api/albums/{id}': { summary: 'Rename, describe, set the cover, sort order, comments on/off (owner, editor)', body: AlbumUpdate },
  'DELETE /api/albums/{id}': { summary: 'Delete an album; its assets stay in the library (owner)' },
  'PUT /api/albums/{id}/assets': { summary: 'Add assets (idempotent; per-id result: duplicate, no_permission) (owner, editor)', body: AlbumAssets },
  'DELETE /api/albums/{id}/assets': { summary: 'Remove assets from the album (owner; editors their own)', body: AlbumAssets },
  'PUT /api/albums/{id}/users': { summary: 'Share with users as viewer or editor (owner)', body: AlbumUsersAdd },
  'PUT /api/albums/{id}/user/{userId}': { summary: 'Change a member’s role (owner)', body: AlbumUserRole },
  'DELETE /api/albums/{id}/user/{userId}': { summary: 'Remove a member (owner), or leave with userId=me' },
  'GET /api/activities': { summary: 'Comments and likes of an album (albumId; assetId, type, level, userId)' },
  'POST /api/activities': { summary: 'Comment on or like an album or one of its assets', body: ActivityCreate },
  'GET /api/activities/statistics': { summary: 'Comment and like counts of an album or asset' },
  'DELETE /api/activities/{id}': { summary: 'Delete your comment or like (the album owner may delete any)' },
  'GET /api/shared-links/me': { summary: 'Open a shared link by key (with password when it has one)' },
  'POST /api/shared-links/login': { summary: 'Unlock a shared link with a password (?key=): sets the link’s cookie, returns the link and its token (wrong passwords are throttled)', body: SharedLinkLogin },
  'GET /api/shared-links': { summary: 'Your shared links (albumId to filter)' },
  'POST /api/shared-links': { summary: 'Create a public link to an album or to assets: password, expiry, download, upload, metadata', body: SharedLinkCreate },
  'GET /api/shared-links/{id}': { summary: 'One of your shared links' },
  'PATCH /api/shared-links/{id}': { summary: 'Change a shared link’s options', body: SharedLinkEdit },
  'DELETE /api/shared-links/{id}': { summary: 'Revoke a shared link' },
  'PUT /api/shared-links/{id}/assets': { summary: 'Add assets to an INDIVIDUAL link', body: SharedLinkAssets },
  'DELETE /api/shared-links/{id}/assets': { summary: 'Remove assets from an INDIVIDUAL link', body: SharedLinkAssets },
  'GET /api/libraries': { summary: 'External libraries (admin)' },
  'POST /api/libraries': { summary: 'Register folders (local) or S3 prefixes (AWS) as a user’s external library (admin)', body: LibraryCreate },
  'GET /api/libraries/{id}': { summary: 'One external library (admin)' },
  'PUT /api/libraries/{id}': { summary: 'Rename, change import paths or exclusion patterns (admin)', body: LibraryUpdate },
  'DELETE /api/libraries/{id}': { summary: 'Forget a library: its assets and derived files go, the files themselves stay (admin)' },
  'POST /api/libraries/{id}/scan': { summary: 'Scan now for new, changed and removed files (queued) (admin)' },
  'POST /api/libraries/{id}/validate': { summary: 'Check import paths before saving them (admin)', body: LibraryValidate },
  'GET /api/libraries/{id}/statistics': { summary: 'Photos, videos, bytes and offline files of a library (admin)' },
  'GET /api/stacks': { summary: 'Your stacks, or the one whose primary is primaryAssetId' },
  'POST /api/stacks': { summary: 'Stack assets (the first is the primary); stacks they were in are merged', body: StackCreate },
  'DELETE /api/stacks': { summary: 'Unstack several stacks (their assets stay)', body: StackIds },
  'GET /api/stacks/{id}': { summary: 'A stack with its assets' },
  'PUT /api/stacks/{id}': { summary: 'Make another of its assets the primary', body: StackUpdate },
  'DELETE /api/stacks/{id}': { summary: 'Unstack (the assets stay)' },
  'DELETE /api/stacks/{id}/assets/{assetId}': { summary: 'Take one asset out of a stack (not the primary)' },
  'GET /api/duplicates': { summary: 'Your groups of the same picture, each with the one suggested to keep (largest file, most metadata)' },
  'DELETE /api/duplicates': { summary: 'Dismiss groups: every asset in them is kept', body: DuplicateIds },
  'DELETE /api/duplicates/{id}': { summary: 'Dismiss one group: every asset in it is kept' },
  'POST /api/duplicates/resolve': { summary: 'Keep some, trash the rest; a single keeper takes the others’ favourite, rating, description, location, albums and tags', body: DuplicateResolve },
  'POST /api/download/info': { summary: 'How assets (assetIds), an album or your library (userId) split into archives of about archiveSize bytes (4 GiB), live photos’ motion parts included', body: DownloadInfo },
  'POST /api/download/archive': { summary: 'A zip of these originals, streamed as it is read (stored, ZIP64 past 4 GiB; a shared link must allow downloads)', body: DownloadArchive },
  'GET /api/view/folder/unique-paths': { summary: 'The folders your photos are in: an external library’s folders on disk, uploads as Uploads/YYYY/MM' },
  'GET /api/view/folder': { summary: 'The photos right in one folder (?path=), by file name' },
  'GET /api/tags': { summary: 'Your tags, by value (whole path: Family/Anna)' },
  'POST /api/tags': { summary: 'Create a tag, at the top or under parentId (a tag with the same path is refused)', body: TagCreate },
  'PUT /api/tags': { summary: 'The tags with these paths, made with every level above them where missing (safe in parallel)', body: TagUpsert },
  'PUT /api/tags/assets': { summary: 'Tag your assets with your tags, every pair once; others are skipped ({count} of new pairs)', body: TagBulkAssets },
  'GET /api/tags/{id}': { summary: 'One of your tags' },
  'PUT /api/tags/{id}': { summary: 'Recolour or rename a tag (the tags under it follow a rename)', body: TagUpdate },
  'DELETE /api/tags/{id}': { summary: 'Delete a tag and the tags under it (the assets stay)' },
  'PUT /api/tags/{id}/assets': { summary: 'Tag assets (yours or a partner’s); per-id results', body: TagAssetIds },
  'DELETE /api/tags/{id}/assets': { summary: 'Untag assets; per-id results', body: TagAssetIds },
  'GET /api/partners': { summary: 'Partners: direction=shared-by (you share with) or shared-with (share with you)' },
  'POST /api/partners': { summary: 'Share your whole library, read only, with a user', body: PartnerCreate },
  'POST /api/partners/{id}': { summary: 'Share your library with user {id} (Immich’s older path)' },
  'PUT /api/partners/{id}': { summary: 'Show or hide a partner’s photos in your timeline', body: PartnerUpdate },
  'DELETE /api/partners/{id}': { summary: 'Stop sharing your library with user {id}' },
  'GET /api/sessions': { summary: 'The devices signed in to your account, most recently used first (current: this one)' },
  'POST /api/sessions': { summary: 'A session for another device (a TV, a frame), ending after duration seconds if given; ends with this one', body: SessionCreate },
  'DELETE /api/sessions': { summary: 'Sign out every other device' },
  'PUT /api/sessions/{id}': { summary: 'Ask a device to start its sync again from scratch (isPendingSyncReset)', body: SessionUpdate },
  'DELETE /api/sessions/{id}': { summary: 'Sign a device out' },
  'POST /api/sessions/{id}/lock': { summary: 'Close the locked folder on a device' },
  'GET /api/assets/{id}/thumbnail': { summary: 'The thumbnail (size=thumbnail, WebP) or preview (size=preview, JPEG); ranges and ETags' },
  'GET /api/assets/{id}/original': { summary: 'The original file, byte for byte, as a download with its UTF-8 name; ranges and ETags' },
  'GET /api/assets/{id}/video/playback': { summary: 'A browser-playable video (the H.264 encoding, or the original when it already plays); ranges supported' },
  'DELETE /api/assets': { summary: 'Trash assets, or delete them for good with force', body: AssetDelete },
  'POST /api/search/metadata': { summary: 'Search your assets by metadata (Immich’s filters: dates, trash, place, camera, rating, tags, people, albums…)', body: MetadataSearch },
  'POST /api/search/random': { summary: 'A random pick of your assets matching the filters (size, at most 1000)', body: RandomSearch },
  'POST /api/search/statistics': { summary: 'How many of your assets match the filters ({total})', body: StatisticsSearch },
  'POST /api/search/large-assets': { summary: 'Your largest files first (query: minFileSize, size, type, visibility, isFavorite, takenAfter/Before, libraryId)' },
  'GET /api/search/person': { summary: 'Your named people whose name or a word of it starts with ?name= (withHidden=true adds hidden ones)' },
  'GET /api/search/cities': { summary: 'The newest photo of each place you have been, newest first' },
  'GET /api/jobs': { summary: 'Queue counts per pipeline stage, under Shoebox’s stage names and Immich’s queue names (admin)' },
  'GET /api/jobs/{name}/dead-letters': { summary: 'Messages a stage gave up on, with reasons (admin)' },
  'POST /api/jobs/{name}/redrive': { summary: 'Send a stage’s dead letters back to its queue (admin)' },
  'GET /api/spec.json': { summary: 'This document' },
};

export function openApiDocument(routes: ReadonlyArray<{ method: string; path: string }>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.method === 'ALL' || route.path.endsWith('*')) continue;
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const doc = DOCS[`${route.method} ${path}`];
    const permission = ROUTE_PERMISSIONS[routeKey(route.method, route.path)];
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[route.method.toLowerCase()] = {
      summary: doc?.summary ?? '',
      ...(params.length ? { parameters: params } : {}),
      ...(doc?.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(doc.body, { io: 'input', unrepresentable: 'any' }) } } } }
        : {}),
      ...(permission === 'public' ? { security: [] } : {}),
      ...(permission && permission !== 'public' && permission !== 'any' ? { 'x-immich-permission': permission } : {}),
      responses: { default: { description: 'See Immich’s API for the response shape; errors are { message }, and a validation failure { message: "Validation failed", errors }' } },
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
