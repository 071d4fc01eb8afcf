import { fileTypeFromBuffer } from 'file-type';
import { extensionOf, mediaTypeOfExtension, type AssetType } from './media-types.js';

export type DetectedMedia = { ok: true; type: AssetType; mime: string } | { ok: false; reason: string };

/** How many leading bytes detection needs. */
export const DETECTION_BYTES = 4100;

const TIFF_CONTAINERS = new Set(['image/tiff']);
const RAW_MAGIC: Array<[string, Buffer]> = [
  ['.mrw', Buffer.from([0x00, 0x4d, 0x52, 0x4d])], // Minolta: "\0MRM"
  ['.x3f', Buffer.from('FOVb', 'latin1')], // Sigma
];
const ISO_BMFF_VIDEO = new Set(['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/3gpp']);

/**
 * The real type of a file from its first bytes (magic numbers), reconciled with the
 * extension only where one container holds several formats (TIFF-based RAW, MP4/MOV/3GP).
 */
export async function detectMediaType(head: Uint8Array, fileName: string): Promise<DetectedMedia> {
  if (head.length === 0) return { ok: false, reason: 'The file is empty (0 bytes)' };
  const detected = (await fileTypeFromBuffer(head)) ?? tiffByMagic(head);
  const claimed = mediaTypeOfExtension(extensionOf(fileName));
  if (!detected) {
    // RAW formats the detector does not know, recognised by their own magic bytes.
    const raw = RAW_MAGIC.find(([ext, magic]) => ext === extensionOf(fileName) && Buffer.from(head.subarray(0, magic.length)).equals(magic));
    if (raw && claimed) return { ok: true, type: 'IMAGE', mime: claimed.mime };
    return { ok: false, reason: `The file is not a supported image or video (its contents match no known media format)` };
  }
  const byMime = mediaTypeOfMime(detected.mime);
  if (!byMime) {
    return { ok: false, reason: `The file is ${detected.mime} (.${detected.ext}), which is not a supported image or video` };
  }
  if (claimed?.type === 'IMAGE' && TIFF_CONTAINERS.has(detected.mime)) return { ok: true, type: 'IMAGE', mime: claimed.mime };
  if (claimed?.type === 'VIDEO' && ISO_BMFF_VIDEO.has(detected.mime) && ISO_BMFF_VIDEO.has(claimed.mime)) {
    return { ok: true, type: 'VIDEO', mime: claimed.mime };
  }
  return { ok: true, type: byMime, mime: detected.mime };
}

/**
 * file-type follows a TIFF's first IFD offset to tell TIFF-based RAW apart; writers that put
 * the IFD after the pixels (libvips, many scanners) point past the head, so it gives up.
 */
function tiffByMagic(head: Uint8Array): { ext: string; mime: string } | undefined {
  const magic = Buffer.from(head.subarray(0, 4)).toString('latin1');
  return magic === 'II*\0' || magic === 'MM\0*' ? { ext: 'tif', mime: 'image/tiff' } : undefined;
}

function mediaTypeOfMime(mime: string): AssetType | undefined {
  if (mime.startsWith('image/')) return 'IMAGE';
  if (mime.startsWith('video/')) return 'VIDEO';
  // file-type names some camera formats under application/.
  if (mime === 'application/x-matroska' || mime === 'application/mxf') return 'VIDEO';
  return undefined;
}
