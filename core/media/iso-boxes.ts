/**
 * The top level of an ISO base media file (HEIF, MP4, MOV): a run of boxes, each with its
 * size and four-letter type up front (size 1: a 64-bit size follows; size 0: to the end).
 * One walk for everyone who needs it: HEIF's completeness check and size, motion photos.
 */
export interface IsoBox {
  type: string;
  start: number;
  /** Where the box's content starts (after its 8- or 16-byte header). */
  contentStart: number;
  end: number;
}

export interface IsoBoxes {
  boxes: IsoBox[];
  /** Why the boxes do not cover the file exactly (truncated, damaged), if they do not. */
  problem: string | undefined;
}

export function topLevelBoxes(file: Buffer): IsoBoxes {
  const boxes: IsoBox[] = [];
  let offset = 0;
  while (offset + 8 <= file.length) {
    const type = file.toString('latin1', offset + 4, offset + 8);
    let size = file.readUInt32BE(offset);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > file.length) return { boxes, problem: 'it ends inside a box header' };
      size = Number(file.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = file.length - offset;
    }
    if (size < header || offset + size > file.length) {
      return { boxes, problem: `a ${type} box needs ${size} bytes, ${file.length - offset} are left` };
    }
    boxes.push({ type, start: offset, contentStart: offset + header, end: offset + size });
    offset += size;
  }
  return { boxes, problem: offset === file.length ? undefined : 'it ends inside a box header' };
}
