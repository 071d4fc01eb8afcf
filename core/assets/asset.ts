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
  checksum: Buffer;
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
