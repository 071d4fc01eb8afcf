import type { AssetType } from '../media/media-types.js';

export type AssetStatus = 'uploading' | 'processing' | 'ready' | 'failed';
export type AssetVisibility = 'archive' | 'timeline' | 'hidden' | 'locked';
export type AssetFileType = 'thumbnail' | 'preview' | 'fullsize' | 'poster' | 'encoded_video' | 'sidecar';

export interface Asset {
  id: string;
  ownerId: string;
  libraryId: string | null;
  deviceAssetId: string | null;
  deviceId: string | null;
  type: AssetType;
  status: AssetStatus;
  failedReason: string | null;
  originalPath: string;
  originalFileName: string;
  originalMimeType: string | null;
  /** SHA-1; null only for an external-library file not yet read by the metadata stage. */
  checksum: Buffer | null;
  fileSizeBytes: number | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  takenAt: Date;
  localDateTime: string;
  timeZone: string | null;
  fileCreatedAt: Date;
  fileModifiedAt: Date;
  thumbhash: Buffer | null;
  isFavorite: boolean;
  visibility: AssetVisibility;
  isOffline: boolean;
  livePhotoVideoId: string | null;
  stackId: string | null;
  /** Crop, rotate or mirror edits are applied to its thumbnails (core/assets/picture-edits.ts). */
  isEdited: boolean;
  /** The original's size while edited (width and height are then the edited picture's). */
  originalWidth: number | null;
  originalHeight: number | null;
  /** The duplicate group it is in, until its owner resolves or dismisses the group. */
  duplicateId: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface AssetFile {
  type: AssetFileType;
  path: string;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
}

/** Immich writes durations as 'H:MM:SS.mmm'. */
export function formatDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = ((ms % 60_000) / 1000).toFixed(3).padStart(6, '0');
  return `${h}:${String(m).padStart(2, '0')}:${s}`;
}
