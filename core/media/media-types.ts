/**
 * The files Shoebox accepts, by extension (what clients filter on, as Immich's
 * `server/media-types` lists them) and by MIME type (what the bytes must turn out to be).
 */
export type AssetType = 'IMAGE' | 'VIDEO';

const IMAGE_MIME: Record<string, string> = {
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
  '.gif': 'image/gif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.hif': 'image/heif',
  '.jp2': 'image/jp2',
  '.jpe': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.jxl': 'image/jxl',
  '.png': 'image/png',
  '.psd': 'image/vnd.adobe.photoshop',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.webp': 'image/webp',
  // Camera RAW: most are TIFF containers, so their bytes read as image/tiff.
  '.3fr': 'image/x-hasselblad-3fr',
  '.ari': 'image/x-arriflex-ari',
  '.arw': 'image/x-sony-arw',
  '.cr2': 'image/x-canon-cr2',
  '.cr3': 'image/x-canon-cr3',
  '.crw': 'image/x-canon-crw',
  '.dcr': 'image/x-kodak-dcr',
  '.dng': 'image/x-adobe-dng',
  '.erf': 'image/x-epson-erf',
  '.iiq': 'image/x-phaseone-iiq',
  '.k25': 'image/x-kodak-k25',
  '.kdc': 'image/x-kodak-kdc',
  '.mrw': 'image/x-minolta-mrw',
  '.nef': 'image/x-nikon-nef',
  '.nrw': 'image/x-nikon-nrw',
  '.orf': 'image/x-olympus-orf',
  '.ori': 'image/x-olympus-ori',
  '.pef': 'image/x-pentax-pef',
  '.raf': 'image/x-fuji-raf',
  '.raw': 'image/x-panasonic-raw',
  '.rw2': 'image/x-panasonic-rw2',
  '.rwl': 'image/x-leica-rwl',
  '.sr2': 'image/x-sony-sr2',
  '.srf': 'image/x-sony-srf',
  '.srw': 'image/x-samsung-srw',
  '.x3f': 'image/x-sigma-x3f',
};

const VIDEO_MIME: Record<string, string> = {
  '.3gp': 'video/3gpp',
  '.3gpp': 'video/3gpp',
  '.avi': 'video/x-msvideo',
  '.flv': 'video/x-flv',
  '.m2t': 'video/mp2t',
  '.m2ts': 'video/mp2t',
  '.m4v': 'video/x-m4v',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.mp4': 'video/mp4',
  '.mpe': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.mpg': 'video/mpeg',
  '.mts': 'video/mp2t',
  '.vob': 'video/mpeg',
  '.webm': 'video/webm',
  '.wmv': 'video/x-ms-wmv',
};

export const SIDECAR_EXTENSIONS = ['.xmp'];

export function supportedExtensions(): { image: string[]; video: string[]; sidecar: string[] } {
  return { image: Object.keys(IMAGE_MIME).sort(), video: Object.keys(VIDEO_MIME).sort(), sidecar: SIDECAR_EXTENSIONS };
}

/** Lower-case extension with its dot ('' when none), from a file name a client sent. */
export function extensionOf(fileName: string): string {
  const match = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return match ? `.${match[1]!.toLowerCase()}` : '';
}

export function mediaTypeOfExtension(ext: string): { type: AssetType; mime: string } | undefined {
  if (IMAGE_MIME[ext]) return { type: 'IMAGE', mime: IMAGE_MIME[ext] };
  if (VIDEO_MIME[ext]) return { type: 'VIDEO', mime: VIDEO_MIME[ext] };
  return undefined;
}

/** File names arrive from clients: keep the name for display, never let it be a path. */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'unnamed' : clean;
}
