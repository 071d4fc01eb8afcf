/**
 * The site's only door to the server: same-origin /api with the session cookie the login
 * sets. A 401 sends the browser to the login page (and back afterwards).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The server's 401 for the locked folder in a session that is not unlocked. */
export const ELEVATION_REQUIRED = 'Elevated permission is required';

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  // A locked folder that locked itself is not a lost login: its page asks for the PIN again.
  const folderLocked = (json as { message?: string } | undefined)?.message === ELEVATION_REQUIRED;
  if (response.status === 401 && !folderLocked && !/^\/(auth\/)?login/.test(location.pathname) && !sharedKey()) {
    location.href = `/login/?next=${encodeURIComponent(location.pathname + location.search)}`;
  }
  if (!response.ok) throw new ApiError(response.status, errorMessage(json) ?? response.statusText);
  return json as T;
}

/** The server's words: its message, and for a validation failure which fields and why. */
function errorMessage(json: unknown): string | undefined {
  const { message, errors } = (json ?? {}) as { message?: string; errors?: Array<{ path?: unknown[]; message: string }> };
  if (!errors?.length) return message;
  return `${message}: ${errors.map((e) => `${e.path?.join('.') || 'body'}: ${e.message}`).join('; ')}`;
}

/** What the timeline and grids show of an asset (Immich's AssetResponseDto, the fields used). */
export interface Asset {
  id: string;
  type: 'IMAGE' | 'VIDEO';
  originalFileName: string;
  localDateTime: string;
  fileCreatedAt: string;
  fileModifiedAt?: string;
  thumbhash: string | null;
  isFavorite: boolean;
  duration: string;
  livePhotoVideoId: string | null;
  exifInfo?: Record<string, unknown>;
  /** The owner's named and unnamed people in this photo (GET /assets/{id} only). */
  people?: Array<{ id: string; name: string; thumbnailPath: string }>;
  /** Your tags on it (GET /assets/{id} only). */
  tags?: Tag[];
  /** The stack it is in (GET /assets/{id}): a RAW and its JPEG, a burst. */
  stack?: { id: string; primaryAssetId: string; assetCount: number } | null;
  width?: number | null;
  height?: number | null;
  ratio?: number;
}

/** A shared link's key, when the page is one (/s/?key=…): every media URL must carry it. */
export const sharedKey = () => (typeof location === 'undefined' ? null : new URLSearchParams(location.search).get('key'));
const withKey = (url: string) => {
  const key = sharedKey();
  return key ? `${url}${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}` : url;
};
export const thumbnailUrl = (id: string, size: 'thumbnail' | 'preview' = 'thumbnail') => withKey(`/api/assets/${id}/thumbnail?size=${size}`);
export const originalUrl = (id: string) => withKey(`/api/assets/${id}/original`);
export const playbackUrl = (id: string) => withKey(`/api/assets/${id}/video/playback`);

/** Grid items from full asset records (search results, albums, shared links). */
export function gridItems(assets: Asset[]) {
  return assets.map((a) => ({
    id: a.id,
    ratio: a.width && a.height ? a.width / a.height : 1,
    thumbhash: a.thumbhash,
    isVideo: a.type === 'VIDEO',
    isFavorite: a.isFavorite,
    label: a.originalFileName,
  }));
}

/** Immich's TagResponseDto: value is the whole path ('Family/Anna'), name its last part. */
export interface Tag {
  id: string;
  parentId?: string;
  name: string;
  value: string;
  color?: string;
}

export interface Album {
  id: string;
  /** Immich 3: the owner first (role owner), then the members. */
  albumUsers: Array<{ user: { id: string; name: string; email: string }; role: 'owner' | 'editor' | 'viewer' }>;
  albumName: string;
  description: string;
  assetCount: number;
  albumThumbnailAssetId: string | null;
  shared: boolean;
  isActivityEnabled: boolean;
  order?: 'asc' | 'desc';
}

/**
 * An album's photos for the grid, read as Immich's web app reads them (an album answer holds no
 * assets since Immich 3): its months from the timeline, then each month's columns.
 */
export async function albumGridItems(albumId: string, order: 'asc' | 'desc' = 'desc'): Promise<ReturnType<typeof gridItems>> {
  const query = `albumId=${encodeURIComponent(albumId)}&order=${order}`;
  const buckets = await api<Array<{ timeBucket: string }>>('GET', `/timeline/buckets?${query}`);
  const months = await Promise.all(
    buckets.map((b) =>
      api<{ id: string[]; ratio: number[]; thumbhash: Array<string | null>; isImage: boolean[]; isFavorite: boolean[] }>(
        'GET',
        `/timeline/bucket?timeBucket=${encodeURIComponent(b.timeBucket)}&${query}`,
      ),
    ),
  );
  return months.flatMap((c) =>
    c.id.map((id, i) => ({ id, ratio: c.ratio[i]!, thumbhash: c.thumbhash[i] ?? null, isVideo: !c.isImage[i], isFavorite: c.isFavorite[i]!, label: c.isImage[i] ? 'Photo' : 'Video' })),
  );
}
