import { findByChecksums } from '../../core/assets/asset-queries.js';
import { parseSha1 } from '../../core/assets/checksum.js';
import type { Ports } from '../../core/runtime/ports.js';
import type { User } from '../../core/users/user-queries.js';

export interface BulkUploadCheckItem {
  /** The client's own identifier (often a file path), echoed back. */
  id: string;
  checksum: string;
}

export type BulkUploadCheckResult =
  | { id: string; action: 'accept' }
  | { id: string; action: 'reject'; reason: 'duplicate'; assetId: string; isTrashed: boolean };

/** "Which of these do you already have?" — one query for the whole batch (Immich's bulk-upload-check). */
export async function checkBulkUpload(ports: Ports, user: User, items: BulkUploadCheckItem[]): Promise<BulkUploadCheckResult[]> {
  const checksums = items.map((item) => parseSha1(item.checksum));
  const known = await findByChecksums(ports.db, user.id, checksums);
  // An upload still waiting for its bytes is not a duplicate: the client should send them.
  const byChecksum = new Map(known.filter((k) => k.status !== 'uploading').map((k) => [k.checksum.toString('hex'), k]));
  return items.map((item, index) => {
    const match = byChecksum.get(checksums[index]!.toString('hex'));
    if (!match) return { id: item.id, action: 'accept' };
    return { id: item.id, action: 'reject', reason: 'duplicate', assetId: match.id, isTrashed: match.isTrashed };
  });
}
