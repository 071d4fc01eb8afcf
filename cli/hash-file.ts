import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex SHA-1 of a file, streamed (Immich clients' checksum). */
export async function sha1File(file: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
