import exifr from 'exifr';
import { appleContentIdentifier } from './apple-maker-note.js';
import { captureDateFromTags, type CaptureDate } from './capture-date.js';
import { keywordPaths } from './xmp-sidecar.js';

/** What Shoebox keeps of a file's EXIF/XMP, shaped like the asset_exif table. */
export interface AssetExif {
  make: string | null;
  model: string | null;
  lensModel: string | null;
  exifImageWidth: number | null;
  exifImageHeight: number | null;
  orientation: number | null;
  dateTimeOriginal: Date | null;
  modifyDate: Date | null;
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string;
  rating: number | null;
  fNumber: number | null;
  focalLength: number | null;
  iso: number | null;
  exposureTime: string | null;
  projectionType: string | null;
  /** Apple's ContentIdentifier: shared by a live photo's still and video. */
  livePhotoCid: string | null;
  /** Tags as paths: digiKam TagsList, Lightroom hierarchicalSubject, else XMP dc:subject / IPTC Keywords. */
  tags: string[];
}

export interface ExifReading {
  exif: AssetExif;
  captureDate: CaptureDate | undefined;
}

export const EMPTY_EXIF: AssetExif = {
  make: null,
  model: null,
  lensModel: null,
  exifImageWidth: null,
  exifImageHeight: null,
  orientation: null,
  dateTimeOriginal: null,
  modifyDate: null,
  timeZone: null,
  latitude: null,
  longitude: null,
  description: '',
  rating: null,
  fNumber: null,
  focalLength: null,
  iso: null,
  exposureTime: null,
  projectionType: null,
  livePhotoCid: null,
  tags: [],
};

/**
 * Reads EXIF, GPS, XMP and IPTC with exifr. Values stay raw (no Date revival, which would
 * read wall-clock strings in the server's zone); captureDateFromTags interprets the dates.
 * A file whose metadata is damaged yields empty metadata, not an error: the image may
 * still be fine.
 */
export async function readExif(file: Buffer): Promise<ExifReading> {
  // IPTC is read on its own: in some RAW files it confuses exifr into dropping the EXIF too.
  const [camera, iptc] = await Promise.all([parseTags(file, { tiff: true, exif: true, gps: true, xmp: true, makerNote: true }), parseTags(file, { iptc: true })]);
  return exifFromTags(camera || iptc ? { ...iptc, ...camera } : undefined);
}

/** exifr's tags (by EXIF name) as what Shoebox keeps. */
export function exifFromTags(tags: Record<string, unknown> | undefined): ExifReading {
  if (!tags) return { exif: { ...EMPTY_EXIF }, captureDate: undefined };
  const captureDate = captureDateFromTags(tags);
  const modify = captureDateFromTags({ DateTimeOriginal: tags.ModifyDate, OffsetTimeOriginal: tags.OffsetTime });
  return {
    captureDate,
    exif: {
      make: text(tags.Make),
      model: text(tags.Model),
      lensModel: text(tags.LensModel) ?? text(tags.Lens),
      exifImageWidth: integer(tags.ExifImageWidth) ?? integer(tags.ImageWidth),
      exifImageHeight: integer(tags.ExifImageHeight) ?? integer(tags.ImageHeight),
      orientation: integer(tags.Orientation),
      dateTimeOriginal: captureDate?.takenAt ?? null,
      modifyDate: modify?.takenAt ?? null,
      timeZone: captureDate?.timeZone ?? null,
      ...coordinates(tags.latitude, tags.longitude),
      description: text(tags.ImageDescription) ?? langText(tags.description) ?? text(tags['Caption-Abstract']) ?? '',
      rating: rating(tags.Rating),
      fNumber: number(tags.FNumber),
      focalLength: number(tags.FocalLength),
      iso: integer(Array.isArray(tags.ISO) ? tags.ISO[0] : tags.ISO),
      exposureTime: exposure(tags.ExposureTime),
      projectionType: text(tags.ProjectionType),
      livePhotoCid: appleContentIdentifier(tags.makerNote as Uint8Array | undefined) ?? null,
      tags: keywordPaths({ TagsList: tags.TagsList, hierarchicalSubject: tags.hierarchicalSubject, subject: tags.subject, Keywords: tags.Keywords }),
    },
  };
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/\u0000/g, '').trim();
  return clean === '' ? null : clean.slice(0, 1000);
}

/** XMP language alternatives arrive as { lang: 'x-default', value: '...' }. */
function langText(value: unknown): string | null {
  if (value && typeof value === 'object' && 'value' in value) return text((value as { value: unknown }).value);
  return text(value);
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function integer(value: unknown): number | null {
  const n = number(value);
  return n === null ? null : Math.round(n);
}

function rating(value: unknown): number | null {
  const n = integer(value);
  return n !== null && n >= -1 && n <= 5 ? n : null;
}

function coordinates(lat: unknown, lon: unknown): { latitude: number | null; longitude: number | null } {
  const la = number(lat);
  const lo = number(lon);
  // (0, 0) is what many phones write when they had no fix.
  if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180 || (la === 0 && lo === 0)) {
    return { latitude: null, longitude: null };
  }
  return { latitude: la, longitude: lo };
}

/** 0.004 → '1/250', 2 → '2' (as Immich shows exposure). */
function exposure(value: unknown): string | null {
  const n = number(value);
  if (n === null || n <= 0) return null;
  if (n >= 1) return String(Math.round(n * 10) / 10);
  return `1/${Math.round(1 / n)}`;
}

export async function parseTags(file: Buffer, blocks: { tiff?: boolean; exif?: boolean; gps?: boolean; xmp?: boolean; iptc?: boolean; makerNote?: boolean }): Promise<Record<string, unknown> | undefined> {
  try {
    return await exifr.parse(file, {
      tiff: false,
      exif: false,
      gps: false,
      xmp: false,
      iptc: false,
      makerNote: false,
      ...blocks,
      icc: false,
      ifd1: false,
      userComment: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
    });
  } catch {
    return undefined;
  }
}
