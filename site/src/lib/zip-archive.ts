/**
 * A zip of originals made in the browser, so a bulk download works the same behind the local
 * server and behind CloudFront + S3 (where the API cannot stream gigabytes). Files are stored,
 * not deflated — photos and videos are compressed already — and each archive stays under
 * 4 GiB, as Immich splits its downloads, so no ZIP64 is needed.
 */
export interface ZipEntry {
  name: string;
  data: Blob;
  crc32: number;
  modified: Date;
}

export const ARCHIVE_LIMIT = 4 * 1024 ** 3 - 64 * 1024 ** 2;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 over a blob, a chunk at a time (a blob of a video never sits in memory whole). */
export async function crc32(data: Blob): Promise<number> {
  let crc = 0xffffffff;
  const reader = data.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (let i = 0; i < value.length; i++) crc = TABLE[(crc ^ value[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Names unique inside one archive: a second IMG_0001.JPG becomes IMG_0001 (2).JPG. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    // No folders or parent paths from a file name: an archive must not write outside its folder.
    const name = raw.replace(/[\\/]/g, '_').replace(/^\.+/, '_') || 'file';
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; seen.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${ext}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** Groups entries, in order, into archives under the size and count limits (one entry over the size goes alone). */
export function splitArchives<T extends { data: Blob }>(entries: T[], limit = ARCHIVE_LIMIT, maxEntries = 65_535): T[][] {
  const archives: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const entry of entries) {
    if (current.length > 0 && (size + entry.data.size > limit || current.length === maxEntries)) {
      archives.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entry.data.size + 128;
  }
  if (current.length > 0) archives.push(current);
  return archives;
}

function dosTime(d: Date): [number, number] {
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = ((Math.max(1980, d.getFullYear()) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

/** The archive as a Blob made of the entries' own blobs between small headers (nothing copied). */
export function zipBlob(entries: ZipEntry[]): Blob {
  const encoder = new TextEncoder();
  const parts: BlobPart[] = [];
  const central: Array<Uint8Array<ArrayBuffer>> = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.name);
    const [time, date] = dosTime(entry.modified);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 10, true); // version needed: 1.0, stored
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, time, true);
    local.setUint16(12, date, true);
    local.setUint32(14, entry.crc32, true);
    local.setUint32(18, entry.data.size, true);
    local.setUint32(22, entry.data.size, true);
    local.setUint16(26, name.length, true);
    parts.push(local.buffer, name, entry.data);

    const header = new DataView(new ArrayBuffer(46));
    header.setUint32(0, 0x02014b50, true);
    header.setUint16(4, 0x031e, true); // made by: Unix, 3.0
    header.setUint16(6, 10, true);
    header.setUint16(8, 0x0800, true);
    header.setUint16(10, 0, true);
    header.setUint16(12, time, true);
    header.setUint16(14, date, true);
    header.setUint32(16, entry.crc32, true);
    header.setUint32(20, entry.data.size, true);
    header.setUint32(24, entry.data.size, true);
    header.setUint16(28, name.length, true);
    header.setUint32(38, (0o100644 << 16) >>> 0, true); // a regular file, rw-r--r--
    header.setUint32(42, offset, true);
    central.push(new Uint8Array(header.buffer), name);
    offset += 30 + name.length + entry.data.size;
  }
  const centralSize = central.reduce((n, c) => n + c.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end.buffer], { type: 'application/zip' });
}
