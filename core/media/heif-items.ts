import { topLevelBoxes, type IsoBox } from './iso-boxes.js';

/**
 * The primary picture of a HEIF file as HEVC bitstreams, read from the `meta` box: phones
 * store a 12 MP photo as a grid of 512×512 HEVC tiles (each an independent intra picture),
 * or small ones as a single HEVC image. Handing those tiles to ffmpeg's HEVC decoder is about
 * twice as fast as libheif's libde265. Anything this does not cover (overlays, AV1 items,
 * crops, mirrors, image sequences) returns undefined and goes to libheif.
 */
export interface HevcPicture {
  /** Parameter sets (VPS, SPS, PPS) followed by every tile, in Annex B (start codes). */
  stream: Buffer;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** The picture's size before rotation (a grid crops its last row and column to this). */
  width: number;
  height: number;
  /** Anticlockwise quarter turns to show it upright (the `irot` property). */
  quarterTurns: number;
  /** The embedded ICC profile (`colr` of type prof), e.g. Display P3 on iPhones. */
  icc: Buffer | undefined;
}

interface Item {
  type: string;
  extents: Array<{ offset: number; length: number }>;
  fromIdat: boolean;
}

export function readHevcPicture(file: Buffer): HevcPicture | undefined {
  const metaBox = topLevelBoxes(file).boxes.find((b) => b.type === 'meta');
  if (!metaBox) return undefined;
  // `meta` is a full box: a version/flags word precedes its children.
  const children = childBoxes(file, metaBox.contentStart + 4, metaBox.end);
  const find = (type: string) => children.find((b) => b.type === type);
  const pitm = find('pitm');
  const iinf = find('iinf');
  const iloc = find('iloc');
  const iprp = find('iprp');
  if (!pitm || !iinf || !iloc || !iprp) return undefined;
  const primary = file[pitm.contentStart] === 0 ? file.readUInt16BE(pitm.contentStart + 4) : file.readUInt32BE(pitm.contentStart + 4);
  const items = readItems(file, iinf, iloc);
  const idat = find('idat');
  const dataOf = (id: number) => {
    const item = items.get(id);
    if (!item) throw new RangeError(`item ${id} has no location`);
    const base = item.fromIdat ? (idat?.contentStart ?? NaN) : 0;
    return Buffer.concat(item.extents.map((e) => slice(file, base + e.offset, e.length)));
  };
  const properties = readProperties(file, iprp);
  const main = items.get(primary);
  if (!main) return undefined;

  let tiles: number[];
  let columns = 1;
  let rows = 1;
  let width: number | undefined;
  let height: number | undefined;
  if (main.type === 'grid') {
    const grid = dataOf(primary);
    const wide = (grid[1]! & 1) === 1;
    rows = grid[2]! + 1;
    columns = grid[3]! + 1;
    width = wide ? grid.readUInt32BE(4) : grid.readUInt16BE(4);
    height = wide ? grid.readUInt32BE(8) : grid.readUInt16BE(6);
    tiles = references(file, find('iref'), 'dimg', primary);
    if (tiles.length !== rows * columns) return undefined;
  } else if (main.type === 'hvc1') {
    tiles = [primary];
  } else {
    return undefined;
  }

  const mainProps = properties.of(primary);
  if (mainProps.some((p) => p.type === 'clap' || p.type === 'imir')) return undefined;
  const irot = mainProps.find((p) => p.type === 'irot');
  const quarterTurns = irot ? file[irot.contentStart]! & 3 : 0;
  const icc = mainProps.map((p) => colourProfile(file, p)).find(Boolean) ?? tiles.map((t) => properties.of(t).map((p) => colourProfile(file, p)).find(Boolean)).find(Boolean);

  // Every tile must be an HEVC image of one size sharing one decoder configuration.
  const first = properties.of(tiles[0]!);
  const hvcC = first.find((p) => p.type === 'hvcC');
  const ispe = first.find((p) => p.type === 'ispe');
  if (!hvcC || !ispe) return undefined;
  const tileWidth = file.readUInt32BE(ispe.contentStart + 4);
  const tileHeight = file.readUInt32BE(ispe.contentStart + 8);
  for (const tile of tiles) {
    if (items.get(tile)?.type !== 'hvc1') return undefined;
    const props = properties.of(tile);
    if (props.find((p) => p.type === 'hvcC')?.start !== hvcC.start || props.find((p) => p.type === 'ispe')?.start !== ispe.start) return undefined;
  }
  width ??= tileWidth;
  height ??= tileHeight;
  if (width > columns * tileWidth || height > rows * tileHeight) return undefined;

  const { parameterSets, lengthSize } = readHvcC(file.subarray(hvcC.contentStart, hvcC.end));
  const stream = Buffer.concat([...parameterSets.map(annexB), ...tiles.flatMap((t) => splitNalUnits(dataOf(t), lengthSize).map(annexB))]);
  return { stream, columns, rows, tileWidth, tileHeight, width, height, quarterTurns, icc };
}

function slice(file: Buffer, offset: number, length: number): Buffer {
  if (!Number.isFinite(offset) || offset < 0 || offset + length > file.length) throw new RangeError('an item points outside the file');
  return file.subarray(offset, offset + length);
}

/** Boxes laid one after another between start and end (the children of a container box). */
function childBoxes(file: Buffer, start: number, end: number): IsoBox[] {
  const boxes: IsoBox[] = [];
  for (let at = start; at + 8 <= end; ) {
    const size = file.readUInt32BE(at);
    if (size < 8 || at + size > end) throw new RangeError('a box inside meta is damaged');
    boxes.push({ type: file.toString('latin1', at + 4, at + 8), start: at, contentStart: at + 8, end: at + size });
    at += size;
  }
  return boxes;
}

function readUInt(file: Buffer, at: number, bytes: number): number {
  if (bytes === 0) return 0;
  if (bytes === 8) return Number(file.readBigUInt64BE(at));
  return file.readUIntBE(at, bytes);
}

/** Item types from `iinf` and their byte ranges from `iloc`. */
function readItems(file: Buffer, iinf: IsoBox, iloc: IsoBox): Map<number, Item> {
  const types = new Map<number, string>();
  const iinfVersion = file[iinf.contentStart]!;
  for (const infe of childBoxes(file, iinf.contentStart + (iinfVersion === 0 ? 6 : 8), iinf.end)) {
    if (infe.type !== 'infe') continue;
    const version = file[infe.contentStart]!;
    if (version < 2) continue;
    const id = version === 2 ? file.readUInt16BE(infe.contentStart + 4) : file.readUInt32BE(infe.contentStart + 4);
    const typeAt = infe.contentStart + (version === 2 ? 8 : 10);
    types.set(id, file.toString('latin1', typeAt, typeAt + 4));
  }

  const items = new Map<number, Item>();
  let at = iloc.contentStart;
  const version = file[at]!;
  const offsetSize = file[at + 4]! >> 4;
  const lengthSize = file[at + 4]! & 15;
  const baseOffsetSize = file[at + 5]! >> 4;
  const indexSize = version >= 1 ? file[at + 5]! & 15 : 0;
  at += 6;
  const count = version < 2 ? file.readUInt16BE(at) : file.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? file.readUInt16BE(at) : file.readUInt32BE(at);
    at += version < 2 ? 2 : 4;
    const method = version >= 1 ? file.readUInt16BE(at) & 15 : 0;
    if (version >= 1) at += 2;
    at += 2; // data_reference_index
    const base = readUInt(file, at, baseOffsetSize);
    at += baseOffsetSize;
    const extentCount = file.readUInt16BE(at);
    at += 2;
    const extents: Item['extents'] = [];
    for (let e = 0; e < extentCount; e++) {
      at += indexSize;
      const offset = readUInt(file, at, offsetSize);
      const length = readUInt(file, at + offsetSize, lengthSize);
      at += offsetSize + lengthSize;
      extents.push({ offset: base + offset, length });
    }
    const type = types.get(id);
    if (type && method <= 1) items.set(id, { type, extents, fromIdat: method === 1 });
  }
  return items;
}

/** The items `from` refers to with references of one type (`dimg`: a grid's tiles, in order). */
function references(file: Buffer, iref: IsoBox | undefined, type: string, from: number): number[] {
  if (!iref) return [];
  const wide = file[iref.contentStart] !== 0;
  const size = wide ? 4 : 2;
  for (const ref of childBoxes(file, iref.contentStart + 4, iref.end)) {
    if (ref.type !== type || readUInt(file, ref.contentStart, size) !== from) continue;
    const count = file.readUInt16BE(ref.contentStart + size);
    return Array.from({ length: count }, (_, i) => readUInt(file, ref.contentStart + size + 2 + i * size, size));
  }
  return [];
}

/** Properties (`ipco`) and which belong to each item (`ipma`). */
function readProperties(file: Buffer, iprp: IsoBox) {
  const boxes = childBoxes(file, iprp.contentStart, iprp.end);
  const ipco = boxes.find((b) => b.type === 'ipco');
  const all = ipco ? childBoxes(file, ipco.contentStart, ipco.end) : [];
  const byItem = new Map<number, IsoBox[]>();
  for (const ipma of boxes.filter((b) => b.type === 'ipma')) {
    const version = file[ipma.contentStart]!;
    const wideIndex = (file[ipma.contentStart + 3]! & 1) === 1;
    let at = ipma.contentStart + 4;
    const count = file.readUInt32BE(at);
    at += 4;
    for (let i = 0; i < count; i++) {
      const id = version < 1 ? file.readUInt16BE(at) : file.readUInt32BE(at);
      at += version < 1 ? 2 : 4;
      const associations = file[at++]!;
      const props: IsoBox[] = [];
      for (let a = 0; a < associations; a++) {
        const index = wideIndex ? file.readUInt16BE(at) & 0x7fff : file[at]! & 0x7f;
        at += wideIndex ? 2 : 1;
        const box = all[index - 1];
        if (box) props.push(box);
      }
      byItem.set(id, props);
    }
  }
  return { of: (id: number) => byItem.get(id) ?? [] };
}

function colourProfile(file: Buffer, box: IsoBox): Buffer | undefined {
  if (box.type !== 'colr') return undefined;
  const kind = file.toString('latin1', box.contentStart, box.contentStart + 4);
  return kind === 'prof' || kind === 'rICC' ? file.subarray(box.contentStart + 4, box.end) : undefined;
}

/** The HEVC decoder configuration: its parameter-set NAL units and the NAL length size. */
function readHvcC(hvcC: Buffer): { parameterSets: Buffer[]; lengthSize: number } {
  const lengthSize = (hvcC[21]! & 3) + 1;
  const arrays = hvcC[22]!;
  const parameterSets: Buffer[] = [];
  let at = 23;
  for (let a = 0; a < arrays; a++) {
    const count = hvcC.readUInt16BE(at + 1);
    at += 3;
    for (let n = 0; n < count; n++) {
      const length = hvcC.readUInt16BE(at);
      parameterSets.push(hvcC.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  return { parameterSets, lengthSize };
}

function splitNalUnits(data: Buffer, lengthSize: number): Buffer[] {
  const units: Buffer[] = [];
  for (let at = 0; at + lengthSize <= data.length; ) {
    const length = data.readUIntBE(at, lengthSize);
    if (at + lengthSize + length > data.length) throw new RangeError('a tile is cut short');
    units.push(data.subarray(at + lengthSize, at + lengthSize + length));
    at += lengthSize + length;
  }
  return units;
}

const START_CODE = Buffer.from([0, 0, 0, 1]);
const annexB = (nal: Buffer) => Buffer.concat([START_CODE, nal]);
