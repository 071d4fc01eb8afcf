import { exifFromTags, parseTags, readExif, type ExifReading } from './read-exif.js';
import { largestEmbeddedJpeg } from './raw-preview.js';

/**
 * EXIF of the RAW formats that are not TIFF underneath, which exifr does not read itself:
 * - Canon CR3 (ISO-BMFF): the CMT1 box holds IFD0 (make, model), CMT2 the EXIF IFD;
 * - Fujifilm RAF: the header points at an embedded JPEG that carries the EXIF;
 * - anything else: the EXIF of its largest embedded JPEG, when that has one.
 * Returns undefined when none of them says anything.
 */
export async function readRawExif(file: Buffer): Promise<ExifReading | undefined> {
  const reading = (await readCr3(file)) ?? (await readRaf(file)) ?? (await readEmbeddedJpeg(file));
  return reading?.exif.make || reading?.captureDate ? reading : undefined;
}

// The EXIF IFD stored as IFD0 comes back keyed by tag number.
const EXIF_TAG_NAMES: Record<string, string> = {
  33434: 'ExposureTime',
  33437: 'FNumber',
  34855: 'ISO',
  36867: 'DateTimeOriginal',
  36868: 'CreateDate',
  36880: 'OffsetTime',
  36881: 'OffsetTimeOriginal',
  36882: 'OffsetTimeDigitized',
  37386: 'FocalLength',
  37520: 'SubSecTime',
  37521: 'SubSecTimeOriginal',
  40962: 'ExifImageWidth',
  40963: 'ExifImageHeight',
  42036: 'LensModel',
};

function box(file: Buffer, type: string): Buffer | undefined {
  const at = file.indexOf(type, 0, 'latin1');
  if (at < 4) return undefined;
  const size = file.readUInt32BE(at - 4);
  return size > 8 && at - 4 + size <= file.length ? file.subarray(at + 4, at - 4 + size) : undefined;
}

async function readCr3(file: Buffer): Promise<ExifReading | undefined> {
  if (file.toString('latin1', 4, 12) !== 'ftypcrx ') return undefined;
  const ifd0 = box(file, 'CMT1');
  const exif = box(file, 'CMT2');
  const main = ifd0 ? await parseTags(ifd0, { tiff: true }) : undefined;
  const numbered = exif ? await parseTags(exif, { tiff: true }) : undefined;
  const named = Object.fromEntries(Object.entries(numbered ?? {}).flatMap(([key, value]) => (EXIF_TAG_NAMES[key] ? [[EXIF_TAG_NAMES[key]!, value]] : [])));
  return exifFromTags({ ...main, ...named });
}

async function readRaf(file: Buffer): Promise<ExifReading | undefined> {
  if (file.toString('latin1', 0, 15) !== 'FUJIFILMCCD-RAW' || file.length < 92) return undefined;
  const offset = file.readUInt32BE(84);
  const length = file.readUInt32BE(88);
  if (offset + length > file.length || length === 0) return undefined;
  return readExif(file.subarray(offset, offset + length));
}

async function readEmbeddedJpeg(file: Buffer): Promise<ExifReading | undefined> {
  try {
    return await readExif(largestEmbeddedJpeg(file).data);
  } catch {
    return undefined; // no embedded JPEG: nothing more to read
  }
}
