import { api } from './api';
import { sha1OfFile } from './sha1';

/**
 * A browser upload the way the CLI does it: SHA-1 of the file (the server dedupes on it),
 * a ticket from POST /api/uploads, then the bytes straight to storage with the presigned
 * URL(s) — one PUT, or one per part for big files — and the parts' ETags to complete.
 * A reload re-asks for the same file and gets "resumed": the same upload, with fresh URLs;
 * the parts whose ETags the page remembered are skipped.
 */
type Target =
  | { type: 'single'; url: string }
  | { type: 'multipart'; uploadId: string; parts: Array<{ partNumber: number; size: number; url: string }>; partSize: number };
type Ticket = { id: string; status: 'created' | 'resumed'; upload: Target } | { id: string; status: 'duplicate' };

export type UploadOutcome = { id: string; duplicate: boolean };

/** What a resumable upload remembers between page loads (the upload queue keeps it). */
export interface UploadMemory {
  checksum?: string;
  uploadId?: string;
  etags: Record<number, string>;
  remember(change: { checksum?: string; uploadId?: string; etags?: Record<number, string> }): Promise<void>;
}

export async function uploadFile(file: File, onProgress: (sent: number) => void, memory?: UploadMemory): Promise<UploadOutcome> {
  const checksum = memory?.checksum ?? (await sha1OfFile(file));
  if (memory && !memory.checksum) await memory.remember({ checksum });
  const ticket = await api<Ticket>('POST', '/uploads', {
    fileName: file.name,
    size: file.size,
    checksum,
    fileCreatedAt: new Date(file.lastModified).toISOString(),
    fileModifiedAt: new Date(file.lastModified).toISOString(),
    deviceAssetId: `${file.name}-${file.size}-${file.lastModified}`,
    deviceId: 'shoebox-web',
  });
  if (ticket.status === 'duplicate') {
    onProgress(file.size);
    return { id: ticket.id, duplicate: true };
  }
  const target = ticket.upload;
  if (target.type === 'single') {
    await put(target.url, file, onProgress);
    return { id: ticket.id, duplicate: false };
  }
  // Parts sent before a reload, to this same multipart upload, are not sent again.
  const etags: Record<number, string> = memory?.uploadId === target.uploadId ? { ...memory.etags } : {};
  if (memory && memory.uploadId !== target.uploadId) await memory.remember({ uploadId: target.uploadId, etags });
  let done = target.parts.filter((p) => etags[p.partNumber]).reduce((n, p) => n + p.size, 0);
  onProgress(done);
  for (const part of target.parts) {
    if (etags[part.partNumber]) continue;
    const start = (part.partNumber - 1) * target.partSize;
    etags[part.partNumber] = await put(part.url, file.slice(start, start + part.size), (sent) => onProgress(done + sent));
    done += part.size;
    await memory?.remember({ etags: { ...etags } });
  }
  const parts = target.parts.map((p) => ({ partNumber: p.partNumber, etag: etags[p.partNumber]! }));
  await api('POST', `/uploads/${ticket.id}/complete`, { parts });
  return { id: ticket.id, duplicate: false };
}

/** XMLHttpRequest, not fetch: it reports upload progress. Returns the ETag. */
function put(url: string, body: Blob, onProgress: (sent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.upload.onprogress = (e) => onProgress(e.loaded);
    request.onload = () => (request.status < 300 ? resolve(request.getResponseHeader('etag') ?? '') : reject(new Error(`upload refused (${request.status})`)));
    request.onerror = () => reject(new Error('the connection failed during the upload'));
    request.send(body);
  });
}
