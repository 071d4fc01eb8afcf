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

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !location.pathname.startsWith('/login')) {
    location.href = `/login/?next=${encodeURIComponent(location.pathname + location.search)}`;
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiError(response.status, (json as { message?: string } | undefined)?.message ?? response.statusText);
  return json as T;
}

/** What the timeline and grids show of an asset (Immich's AssetResponseDto, the fields used). */
export interface Asset {
  id: string;
  type: 'IMAGE' | 'VIDEO';
  originalFileName: string;
  localDateTime: string;
  fileCreatedAt: string;
  thumbhash: string | null;
  isFavorite: boolean;
  duration: string;
  livePhotoVideoId: string | null;
  exifInfo?: Record<string, unknown>;
  width?: number | null;
  height?: number | null;
  ratio?: number;
}

export const thumbnailUrl = (id: string, size: 'thumbnail' | 'preview' = 'thumbnail') => `/api/assets/${id}/thumbnail?size=${size}`;
