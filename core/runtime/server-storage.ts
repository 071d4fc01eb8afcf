import { statfs } from 'node:fs/promises';
import type { Ports } from './ports.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes as Immich shows them: "1.2 TiB". */
export function humanBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Math.round(value * 10) / 10} ${UNITS[unit]}`;
}

/** A bucket has no size: the bytes stored, against a nominal petabyte. */
const S3_NOMINAL_SIZE = 1024 ** 5;

/** Immich's `ServerStorageResponseDto`: the disk the data folder is on, or the bucket's use on S3. */
export async function serverStorage(ports: Ports) {
  let size: number;
  let available: number;
  if (ports.config.store === 'local') {
    const fs = await statfs(ports.config.dataDir);
    size = fs.blocks * fs.bsize;
    available = fs.bavail * fs.bsize;
  } else {
    const { rows } = await ports.db.query<{ bytes: string }>(`SELECT coalesce(sum(file_size_bytes), 0)::bigint AS bytes FROM assets`);
    size = S3_NOMINAL_SIZE;
    available = S3_NOMINAL_SIZE - Number(rows[0]!.bytes);
  }
  const used = size - available;
  return {
    diskSize: humanBytes(size),
    diskUse: humanBytes(used),
    diskAvailable: humanBytes(available),
    diskSizeRaw: size,
    diskUseRaw: used,
    diskAvailableRaw: available,
    diskUsagePercentage: size > 0 ? Math.round((used / size) * 10000) / 100 : 0,
  };
}
