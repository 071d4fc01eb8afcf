import { z } from 'zod';

export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const UploadTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('single'), url: z.string() }),
  z.object({
    type: z.literal('multipart'),
    uploadId: z.string(),
    partSize: z.number(),
    parts: z.array(z.object({ partNumber: z.number(), size: z.number(), url: z.string() })),
  }),
]);
const UploadTicket = z.union([
  z.object({ id: z.string(), status: z.enum(['created', 'resumed']), upload: UploadTarget }),
  z.object({ id: z.string(), status: z.literal('duplicate'), isTrashed: z.boolean().optional() }),
]);
export type UploadTicket = z.infer<typeof UploadTicket>;
const BulkCheck = z.object({
  results: z.array(z.object({ id: z.string(), action: z.enum(['accept', 'reject']), reason: z.string().optional(), assetId: z.string().optional() })),
});
const UploadStatus = z.object({ id: z.string(), status: z.string(), failedReason: z.string().nullable() });
const MediaTypes = z.object({ image: z.array(z.string()), video: z.array(z.string()), sidecar: z.array(z.string()) });
const Album = z.object({ id: z.string(), albumName: z.string() });
const Me = z.object({ id: z.string(), email: z.string(), name: z.string() });

/** The Shoebox API as the CLI uses it; every answer is checked with zod. */
export class ServerClient {
  constructor(
    readonly server: string,
    private readonly apiKey: string,
  ) {}

  me() {
    return this.call('GET', '/users/me', undefined, Me);
  }

  mediaTypes() {
    return this.call('GET', '/server/media-types', undefined, MediaTypes);
  }

  /** Which checksums (hex SHA-1) the server already has; ids are echoed back. */
  bulkUploadCheck(assets: Array<{ id: string; checksum: string }>) {
    return this.call('POST', '/assets/bulk-upload-check', { assets }, BulkCheck);
  }

  createUpload(body: {
    fileName: string;
    size: number;
    checksum: string;
    fileCreatedAt: string;
    fileModifiedAt: string;
    deviceId: string;
    deviceAssetId: string;
    isFavorite?: boolean;
    visibility?: 'archive' | 'timeline';
  }) {
    return this.call('POST', '/uploads', body, UploadTicket);
  }

  completeUpload(id: string, parts: Array<{ partNumber: number; etag: string }>) {
    return this.call('POST', `/uploads/${id}/complete`, { parts }, UploadStatus);
  }

  uploadStatus(id: string) {
    return this.call('GET', `/uploads/${id}`, undefined, UploadStatus);
  }

  /** Queue counts per pipeline stage (admin). */
  jobs() {
    return this.call('GET', '/jobs', undefined, z.record(z.string(), z.object({ jobCounts: z.object({ active: z.number(), waiting: z.number(), failed: z.number() }) })));
  }

  deadLetters(queue: string) {
    return this.call('GET', `/jobs/${encodeURIComponent(queue)}/dead-letters`, undefined, z.array(z.object({ reason: z.string().nullable() })));
  }

  redrive(queue: string) {
    return this.call('POST', `/jobs/${encodeURIComponent(queue)}/redrive`, undefined, z.object({ redriven: z.number() }));
  }

  libraries() {
    return this.call('GET', '/libraries', undefined, z.array(z.object({ id: z.string(), name: z.string(), importPaths: z.array(z.string()), assetCount: z.number() })));
  }

  scanLibrary(id: string) {
    return this.call('POST', `/libraries/${encodeURIComponent(id)}/scan`, undefined, z.unknown());
  }

  /** Edits an asset (Immich's PUT /assets/:id): date, place, description, favourite, archive, live photo. */
  updateAsset(id: string, body: Record<string, unknown>) {
    return this.call('PUT', `/assets/${id}`, body, z.object({ id: z.string() }));
  }

  /** The user's own albums (one shared with them is not theirs to fill). */
  albums() {
    return this.call('GET', '/albums?isOwned=true', undefined, z.array(Album));
  }

  createAlbum(albumName: string, description = '') {
    return this.call('POST', '/albums', { albumName, description }, Album);
  }

  /** Adds assets to an album (idempotent: ones already in it are reported, not added twice). */
  addToAlbum(albumId: string, ids: string[]) {
    return this.call('PUT', `/albums/${albumId}/assets`, { ids }, z.array(z.object({ id: z.string(), success: z.boolean(), error: z.string().optional() })));
  }

  private async call<S extends z.ZodType>(method: string, path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const response = await fetch(`${this.server}/api${path}`, {
      method,
      headers: { 'x-api-key': this.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        const body = JSON.parse(text) as { message?: unknown; errors?: Array<{ path?: unknown[]; message: string }> };
        message = String(body.message ?? text);
        if (body.errors?.length) message += `: ${body.errors.map((e) => `${e.path?.join('.') || 'body'}: ${e.message}`).join('; ')}`;
      } catch {
        // not JSON: keep the text
      }
      throw new ServerError(response.status, `${method} ${path}: ${response.status} ${message}`);
    }
    return schema.parse(text ? JSON.parse(text) : undefined);
  }
}
