import type { ActivityRow } from '../../core/albums/activity-queries.js';
import type { AlbumRow } from '../../core/albums/album-queries.js';
import { formatDuration, type Asset } from '../../core/assets/asset.js';
import type { ExifRow } from '../../core/assets/asset-queries.js';
import type { FaceRow, Person } from '../../core/people/people-queries.js';
import type { StackSummary } from '../../core/stacks/stacks.js';
import type { Tag } from '../../core/tags/tags.js';
import type { ApiKey, User } from '../../core/users/user-queries.js';

type UserSummary = Pick<User, 'id' | 'email' | 'name' | 'avatarColor'> & { profileChangedAt: Date | string; profileImageKey?: string | null };

/** Immich's response shapes (see @immich/sdk), built from Shoebox rows. */

/** A user as anyone sees them (themselves, album members, comment authors, partners). */
export function userDto(user: UserSummary) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    avatarColor: user.avatarColor ?? 'primary',
    profileImagePath: user.profileImageKey ?? '',
    profileChangedAt: new Date(user.profileChangedAt).toISOString(),
  };
}

export function userAdminDto(user: User, usageBytes: number | null = null) {
  return {
    ...userDto(user),
    isAdmin: user.isAdmin,
    shouldChangePassword: user.shouldChangePassword,
    storageLabel: user.storageLabel,
    quotaSizeInBytes: user.quotaSizeBytes,
    quotaUsageInBytes: usageBytes,
    status: user.status,
    oauthId: user.oauthId,
    license: user.license,
    // Each account is its own cluster group (see cluster-group-routes.ts).
    clusterGroupId: user.id,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    deletedAt: user.deletedAt?.toISOString() ?? null,
  };
}

export function apiKeyDto(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    permissions: key.permissions,
    createdAt: new Date(key.createdAt).toISOString(),
    updatedAt: new Date(key.updatedAt).toISOString(),
  };
}

/** Immich's ApiKeyCreateResponseDto: 3.2 gives the key's fields at the top too, and keeps `apiKey` for older clients. */
export function apiKeyCreated(key: ApiKey, secret: string) {
  const dto = apiKeyDto(key);
  return { ...dto, apiKey: dto, secret };
}

/**
 * An EXIF instant as Immich writes it (PostgreSQL's own form): `2023-11-20T01:11:00+00:00`,
 * fractions of a second only when there are any. immich-go reads dates in this form only.
 */
export function exifTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_, digits: string) => `${digits ? `.${digits}` : ''}+00:00`);
}

export function exifDto(exif: ExifRow) {
  return {
    make: exif.make,
    model: exif.model,
    lensModel: exif.lensModel,
    exifImageWidth: exif.exifImageWidth,
    exifImageHeight: exif.exifImageHeight,
    fileSizeInByte: exif.fileSizeInByte,
    orientation: exif.orientation,
    dateTimeOriginal: exif.dateTimeOriginal ? exifTimestamp(exif.dateTimeOriginal) : null,
    modifyDate: exif.modifyDate ? exifTimestamp(exif.modifyDate) : null,
    timeZone: exif.timeZone ? `UTC${exif.timeZone.replace(/^([+-])0?(\d+):00$/, '$1$2')}` : null,
    latitude: exif.latitude,
    longitude: exif.longitude,
    city: exif.city,
    state: exif.state,
    country: exif.country,
    description: exif.description,
    rating: exif.rating,
    fNumber: exif.fNumber,
    focalLength: exif.focalLength,
    iso: exif.iso,
    exposureTime: exif.exposureTime,
    projectionType: exif.projectionType,
  };
}

export function assetDto(asset: Asset, exif?: ExifRow) {
  return {
    id: asset.id,
    ownerId: asset.ownerId,
    libraryId: asset.libraryId,
    deviceAssetId: asset.deviceAssetId ?? '',
    deviceId: asset.deviceId ?? '',
    type: asset.type,
    originalPath: asset.originalPath,
    originalFileName: asset.originalFileName,
    originalMimeType: asset.originalMimeType ?? undefined,
    checksum: asset.checksum?.toString('base64') ?? '',
    thumbhash: asset.thumbhash?.toString('base64') ?? null,
    fileCreatedAt: asset.takenAt.toISOString(),
    fileModifiedAt: asset.fileModifiedAt.toISOString(),
    localDateTime: `${asset.localDateTime}Z`,
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
    isFavorite: asset.isFavorite,
    isArchived: asset.visibility === 'archive',
    isTrashed: asset.deletedAt !== null,
    isOffline: asset.isOffline,
    isEdited: asset.isEdited,
    visibility: asset.visibility,
    width: asset.width,
    height: asset.height,
    duration: asset.durationMs === null ? null : formatDuration(asset.durationMs),
    hasMetadata: true,
    livePhotoVideoId: asset.livePhotoVideoId,
    // Filled for the owner by GET /assets/{id} (peopleInAsset); lists leave it empty, as Immich's do.
    people: [] as ReturnType<typeof peopleInAsset>,
    // Filled by GET /assets/{id}; lists leave it out, as Immich's do.
    tags: undefined as ReturnType<typeof tagDto>[] | undefined,
    // Filled by GET /assets/{id} and the stack routes (a list leaves it out, as Immich's do without withStacked).
    stack: null as StackSummary | null,
    duplicateId: asset.duplicateId,
    resized: asset.status === 'ready',
    exifInfo: exif ? exifDto(exif) : undefined,
    // Shoebox's additions: where the pipeline stands, and why it stopped if it did.
    status: asset.status,
    failedReason: asset.failedReason,
  };
}

/**
 * An asset as a shared link without `showMetadata` shows it: Immich's sanitized shape — no
 * file name, path, checksum, owner, device or dates beyond the local capture time.
 */
export function sanitizedAssetDto(asset: Asset) {
  return {
    id: asset.id,
    type: asset.type,
    originalMimeType: asset.originalMimeType ?? undefined,
    thumbhash: asset.thumbhash?.toString('base64') ?? null,
    localDateTime: `${asset.localDateTime}Z`,
    duration: asset.durationMs === null ? null : formatDuration(asset.durationMs),
    livePhotoVideoId: asset.livePhotoVideoId,
    hasMetadata: false,
    width: asset.width,
    height: asset.height,
  };
}

/** Whether the requester sees an asset's metadata: everyone but a link that hides it. */
export function showsMetadata(auth: { sharedLink?: { showMetadata: boolean } }): boolean {
  return !auth.sharedLink || auth.sharedLink.showMetadata;
}

/** The asset as this requester may see it: whole, or sanitized for a link that hides metadata. */
export function assetDtoFor(auth: { sharedLink?: { showMetadata: boolean } }, asset: Asset, exif?: ExifRow) {
  return showsMetadata(auth) ? assetDto(asset, exif) : (sanitizedAssetDto(asset) as unknown as ReturnType<typeof assetDto>);
}

/**
 * Immich 3's AlbumResponseDto: no assets and no owner field — `albumUsers` names everyone, the
 * owner first (role `owner`), then the viewer if a member, then the rest by name. `shared` when
 * anyone else or a link sees it.
 */
export function albumDto(album: AlbumRow, viewerId?: string) {
  const members = [...album.albumUsers].sort(
    (a, b) => Number(b.user.id === viewerId) - Number(a.user.id === viewerId) || a.user.name.localeCompare(b.user.name) || a.user.id.localeCompare(b.user.id),
  );
  return {
    id: album.id,
    albumName: album.name,
    description: album.description,
    albumThumbnailAssetId: album.thumbnailAssetId,
    createdAt: album.createdAt.toISOString(),
    updatedAt: album.updatedAt.toISOString(),
    albumUsers: [{ user: userDto(album.owner), role: 'owner' as const }, ...members.map((m) => ({ user: userDto(m.user), role: m.role }))],
    shared: album.albumUsers.length > 0 || album.hasSharedLink,
    hasSharedLink: album.hasSharedLink,
    isActivityEnabled: album.isActivityEnabled,
    order: album.order,
    assetCount: album.assetCount,
    startDate: album.startDate ? `${album.startDate}Z` : undefined,
    endDate: album.endDate ? `${album.endDate}Z` : undefined,
    lastModifiedAssetTimestamp: album.lastModifiedAssetTimestamp?.toISOString(),
  };
}

export function activityDto(activity: ActivityRow) {
  return {
    id: activity.id,
    assetId: activity.assetId,
    type: activity.type,
    comment: activity.comment,
    createdAt: activity.createdAt.toISOString(),
    user: userDto(activity.user),
  };
}

export function personDto(p: Person) {
  return {
    id: p.id,
    name: p.name,
    birthDate: p.birthDate,
    thumbnailPath: `/api/people/${p.id}/thumbnail`,
    isHidden: p.isHidden,
    isFavorite: p.isFavorite,
    color: p.color ?? undefined,
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function faceDto(f: FaceRow, person: Person | undefined) {
  return {
    id: f.id,
    imageWidth: f.imageWidth,
    imageHeight: f.imageHeight,
    boundingBoxX1: f.x1,
    boundingBoxY1: f.y1,
    boundingBoxX2: f.x2,
    boundingBoxY2: f.y2,
    score: f.score,
    sourceType: f.sourceType,
    person: person ? personDto(person) : null,
  };
}

/** Immich's PersonWithFacesResponseDto: the people in one photo, each with their faces there. */
export function peopleInAsset(faces: FaceRow[], people: Person[]) {
  return people.map((p) => ({ ...personDto(p), faces: faces.filter((f) => f.personId === p.id).map((f) => faceDto(f, undefined)) }));
}

/** Immich's TagResponseDto: parentId and color only when the tag has them. */
export function tagDto(tag: Tag) {
  return {
    id: tag.id,
    ...(tag.parentId ? { parentId: tag.parentId } : {}),
    name: tag.value.slice(tag.value.lastIndexOf('/') + 1),
    value: tag.value,
    ...(tag.color ? { color: tag.color } : {}),
    createdAt: tag.createdAt.toISOString(),
    updatedAt: tag.updatedAt.toISOString(),
  };
}
