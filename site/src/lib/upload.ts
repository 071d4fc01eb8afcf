import { api } from './api';

/**
 * A browser upload the way the CLI does it: SHA-1 of the file (the server dedupes on it),
 * a ticket from POST /api/uploads, then the bytes straight to storage with the presigned
 * URL(s) — one PUT, or one per part for big files — and the parts' ETags to complete.
 * A reload re-asks for the same file and gets "resumed" with the parts still missing.
 */
type Target =
  | { type: 'single'; url: string }
  | { type: 'multipart'; parts: Array<{ partNumber: number; size: number; url: string }>; partSize: number };
type Ticket = { id: string; status: 'created' | 'resumed'; upload: Target } | { id: string; status: 'duplicate' };

export type UploadOutcome = { id: string; duplicate: boolean };

export async function uploadFile(file: File, onProgress: (sent: number) => void): Promise<UploadOutcome> {
  const checksum = await sha1Hex(file);
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
  const etags: Array<{ partNumber: number; etag: string }> = [];
  let done = 0;
  for (const part of target.parts) {
    const start = (part.partNumber - 1) * target.partSize;
    const etag = await put(part.url, file.slice(start, start + part.size), (sent) => onProgress(done + sent));
    done += part.size;
    etags.push({ partNumber: part.partNumber, etag });
  }
  await api('POST', `/uploads/${ticket.id}/complete`, { parts: etags });
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

async function sha1Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
