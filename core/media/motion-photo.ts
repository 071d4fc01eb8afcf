import { topLevelBoxes } from './iso-boxes.js';

/**
 * Google and Samsung "motion photos" carry their few seconds of video inside the photo file:
 * - HEIC (Samsung): an `mpvd` box at the top level holds the MP4;
 * - JPEG (Google Pixel, Samsung): the MP4 is appended after the picture; the XMP says how
 *   long it is (GCamera:MicroVideoOffset, or Container:Item with Semantic MotionPhoto),
 *   and failing that the MP4's own `ftyp` box marks its start.
 * Returns the embedded MP4, or undefined for an ordinary photo.
 */
const MP4_BRANDS = /^(isom|iso2|mp41|mp42|avc1|qt  )$/;
const MIN_VIDEO_BYTES = 1024;

export function embeddedMotionVideo(file: Buffer): Buffer | undefined {
  if (file.length < 16) return undefined;
  if (file.toString('latin1', 4, 8) === 'ftyp') return fromMpvdBox(file);
  if (file[0] === 0xff && file[1] === 0xd8) return fromXmpLength(file) ?? fromTrailingMp4(file);
  return undefined;
}

function fromMpvdBox(file: Buffer): Buffer | undefined {
  const mpvd = topLevelBoxes(file).boxes.find((box) => box.type === 'mpvd');
  return mpvd ? checked(file.subarray(mpvd.contentStart, mpvd.end)) : undefined;
}

function fromXmpLength(file: Buffer): Buffer | undefined {
  // The XMP packet is near the start; reading the first 256 KiB as text is enough.
  const xmp = file.toString('latin1', 0, Math.min(file.length, 256 * 1024));
  const offset = /GCamera:MicroVideoOffset(?:="|>)(\d+)/.exec(xmp)?.[1] ??
    /Item:Semantic="MotionPhoto"[^>]*?Item:Length="(\d+)"|Item:Length="(\d+)"[^>]*?Item:Semantic="MotionPhoto"/.exec(xmp)?.slice(1).find(Boolean);
  const length = Number(offset);
  if (!Number.isInteger(length) || length < MIN_VIDEO_BYTES || length >= file.length) return undefined;
  return checked(file.subarray(file.length - length));
}

function fromTrailingMp4(file: Buffer): Buffer | undefined {
  for (let at = file.indexOf('ftyp', 4, 'latin1'); at >= 4; at = file.indexOf('ftyp', at + 4, 'latin1')) {
    const boxSize = file.readUInt32BE(at - 4);
    if (boxSize >= 16 && boxSize <= 64 && MP4_BRANDS.test(file.toString('latin1', at + 4, at + 8))) return checked(file.subarray(at - 4));
  }
  return undefined;
}

/** An MP4 starts with its ftyp box; anything else is not the video we were promised. */
function checked(video: Buffer): Buffer | undefined {
  return video.length >= MIN_VIDEO_BYTES && video.toString('latin1', 4, 8) === 'ftyp' ? video : undefined;
}
