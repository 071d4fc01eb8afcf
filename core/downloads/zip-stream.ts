import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

/** One file of an archive: its name inside, its size as the store says, and how to read it. */
export interface ZipSource {
  name: string;
  size: number;
  modified: Date;
  open(): Promise<Readable>;
}

const MAX_32 = 0xffffffff;

/**
 * A zip written as it is read, for downloads of any size: files are stored (photos and
 * videos are compressed already), each one's CRC-32 computed while its bytes pass and written
 * after them in a data descriptor, so nothing is read twice or held in memory. ZIP64 records
 * appear where a size or an offset passes 4 GiB (or `zip64Threshold`, lowered by tests), so
 * an archive has no size limit; below it the archive is a plain zip every tool opens.
 */
export async function* zipStream(sources: Iterable<ZipSource> | AsyncIterable<ZipSource>, zip64Threshold = MAX_32): AsyncGenerator<Buffer> {
  const central: Buffer[] = [];
  let offset = 0;
  let count = 0;
  for await (const source of sources) {
    const name = Buffer.from(source.name, 'utf8');
    const zip64 = source.size >= zip64Threshold || offset >= zip64Threshold;
    const { time, date } = dosDateTime(source.modified);
    // Local header: sizes and CRC follow the data (flag bit 3); names are UTF-8 (bit 11).
    const localExtra = zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(0x0808, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(0, 14);
    local.writeUInt32LE(zip64 ? MAX_32 : 0, 18);
    local.writeUInt32LE(zip64 ? MAX_32 : 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    yield Buffer.concat([local, name, localExtra]);

    let crc = 0;
    let size = 0;
    for await (const chunk of await source.open()) {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      size += bytes.length;
      yield bytes;
    }
    if (size !== source.size) throw new Error(`${source.name} changed while it was being zipped: ${size} bytes, not ${source.size}`);

    const descriptor = Buffer.alloc(zip64 ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    if (zip64) {
      descriptor.writeBigUInt64LE(BigInt(size), 8);
      descriptor.writeBigUInt64LE(BigInt(size), 16);
    } else {
      descriptor.writeUInt32LE(size, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    yield descriptor;

    const centralExtra = zip64 ? zip64Extra([size, size, offset]) : Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(zip64 ? 45 : 20, 6);
    header.writeUInt16LE(0x0808, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(zip64 ? MAX_32 : size, 20);
    header.writeUInt32LE(zip64 ? MAX_32 : size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(centralExtra.length, 30);
    header.writeUInt32LE(zip64 ? MAX_32 : offset, 42);
    central.push(Buffer.concat([header, name, centralExtra]));
    offset += local.length + name.length + localExtra.length + size + descriptor.length;
    count++;
  }

  const directory = Buffer.concat(central);
  const needs64 = count >= 0xffff || offset >= zip64Threshold || directory.length >= zip64Threshold;
  yield directory;
  const tail: Buffer[] = [];
  if (needs64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(needs64 ? 0xffff : count, 8);
  end.writeUInt16LE(needs64 ? 0xffff : count, 10);
  end.writeUInt32LE(needs64 ? MAX_32 : directory.length, 12);
  end.writeUInt32LE(needs64 ? MAX_32 : offset, 16);
  tail.push(end);
  yield Buffer.concat(tail);
}

/** The ZIP64 extended-information extra field (0x0001) with these 8-byte values. */
function zip64Extra(values: number[]): Buffer {
  const extra = Buffer.alloc(4 + values.length * 8);
  extra.writeUInt16LE(0x0001, 0);
  extra.writeUInt16LE(values.length * 8, 2);
  values.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + i * 8));
  return extra;
}

/** MS-DOS date and time, in local wall-clock terms as zip tools read them (years 1980–2107). */
function dosDateTime(when: Date): { time: number; date: number } {
  const d = Number.isNaN(when.getTime()) || when.getUTCFullYear() < 1980 ? new Date(Date.UTC(1980, 0, 1)) : when;
  const year = Math.min(d.getUTCFullYear(), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** Names unique inside one archive, as Immich makes them: a second IMG_0001.JPG is IMG_0001+1.JPG. */
export function archiveNames(names: readonly string[]): string[] {
  const used = new Map<string, number>();
  return names.map((raw) => {
    // No folders, no '..', no control characters: a name is a file name and nothing else.
    // eslint-disable-next-line no-control-regex
    const name = raw.replace(/[/\\\u0000-\u001f]/g, '_').replace(/^\.+/, '') || 'unnamed';
    const count = used.get(name) ?? 0;
    used.set(name, count + 1);
    if (count === 0) return name;
    const dot = name.lastIndexOf('.');
    return dot > 0 ? `${name.slice(0, dot)}+${count}${name.slice(dot)}` : `${name}+${count}`;
  });
}
