/**
 * When a photo was taken: the instant, the wall-clock time where it was taken, and that
 * place's UTC offset. EXIF stores wall-clock strings ('2021:01:02 13:14:15') and, since
 * 2.31, the offset beside them; older cameras only reveal it through GPS time (UTC).
 */
export interface CaptureDate {
  /** UTC instant. */
  takenAt: Date;
  /** Wall-clock time where it was taken, ISO without zone: '2021-01-02T13:14:15.000'. */
  localDateTime: string;
  /** '+02:00', or null when the offset is unknown (the wall clock is then treated as UTC). */
  timeZone: string | null;
}

export interface CaptureDateTags {
  DateTimeOriginal?: unknown;
  SubSecTimeOriginal?: unknown;
  OffsetTimeOriginal?: unknown;
  CreateDate?: unknown;
  SubSecTimeDigitized?: unknown;
  OffsetTimeDigitized?: unknown;
  OffsetTime?: unknown;
  /** XMP photoshop:DateCreated / xmp:CreateDate, ISO 8601 with optional offset. */
  DateCreated?: unknown;
  GPSDateStamp?: unknown;
  GPSTimeStamp?: unknown;
}

const EXIF_DATE = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** Picks the capture date from EXIF/XMP tags, or undefined when none is usable. */
export function captureDateFromTags(tags: CaptureDateTags): CaptureDate | undefined {
  const candidates: Array<[unknown, unknown, unknown]> = [
    [tags.DateTimeOriginal, tags.SubSecTimeOriginal, tags.OffsetTimeOriginal ?? tags.OffsetTime],
    [tags.CreateDate, tags.SubSecTimeDigitized, tags.OffsetTimeDigitized ?? tags.OffsetTime],
    [tags.DateCreated, undefined, undefined],
  ];
  for (const [value, subSec, offset] of candidates) {
    const wall = parseWallClock(value, subSec);
    if (!wall) continue;
    const zone = parseOffset(wall.offset) ?? parseOffset(offset) ?? offsetFromGps(wall.utcGuess, tags.GPSDateStamp, tags.GPSTimeStamp);
    return withZone(wall.local, wall.utcGuess, zone);
  }
  return undefined;
}

/** A date from the file system: its instant is right, its place's offset unknown. */
export function captureDateFromInstant(instant: Date): CaptureDate {
  return { takenAt: instant, localDateTime: instant.toISOString().replace('Z', ''), timeZone: null };
}

interface WallClock {
  local: string;
  /** The wall clock read as if it were UTC. */
  utcGuess: number;
  offset: string | undefined;
}

function parseWallClock(value: unknown, subSec: unknown): WallClock | undefined {
  if (typeof value !== 'string') return undefined;
  const match = EXIF_DATE.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, offset] = match;
  const fraction = (frac ?? (typeof subSec === 'string' || typeof subSec === 'number' ? String(subSec).trim() : '')).replace(/\D/g, '');
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3) || 0);
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  if (fields[0] < 1800 || fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) {
    return undefined;
  }
  const utcGuess = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], Math.min(fields[5], 59), ms);
  // Date.UTC rolls 31 February into March; such a date is invalid, not a day in March.
  if (new Date(utcGuess).getUTCDate() !== fields[2]) return undefined;
  return { local: new Date(utcGuess).toISOString().replace('Z', ''), utcGuess, offset: offset === 'Z' ? '+00:00' : offset };
}

/** Minutes east of UTC, or undefined. */
function parseOffset(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = OFFSET.exec(value.trim());
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (minutes > 14 * 60) return undefined;
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * GPS time is UTC, so wall clock minus GPS time is the offset — when the two agree to
 * within a quarter hour of a real zone. Cameras whose clock drifted give nonsense; ignore it.
 */
function offsetFromGps(utcGuess: number, dateStamp: unknown, timeStamp: unknown): number | undefined {
  if (typeof dateStamp !== 'string' || !Array.isArray(timeStamp) || timeStamp.length < 3) return undefined;
  const date = /^(\d{4})[:-](\d{2})[:-](\d{2})$/.exec(dateStamp.trim());
  if (!date) return undefined;
  const [h, m, s] = timeStamp.map(Number) as [number, number, number];
  if (![h, m, s].every(Number.isFinite)) return undefined;
  const gps = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), h, m, Math.floor(s));
  const minutes = (utcGuess - gps) / 60_000;
  const rounded = Math.round(minutes / 15) * 15;
  if (Math.abs(minutes - rounded) > 2 || Math.abs(rounded) > 14 * 60) return undefined;
  return rounded;
}

function withZone(local: string, utcGuess: number, offsetMinutes: number | undefined): CaptureDate {
  if (offsetMinutes === undefined) return { takenAt: new Date(utcGuess), localDateTime: local, timeZone: null };
  return { takenAt: new Date(utcGuess - offsetMinutes * 60_000), localDateTime: local, timeZone: formatOffset(offsetMinutes) };
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Phones and apps write the capture time into file names: IMG_20210102_131415.jpg,
 * PXL_20240512_093011123.jpg, VID-20210102-WA0003.mp4 (WhatsApp: the day only),
 * Screenshot_20210102-131415.png, 2021-01-02 13.14.15.jpg (Dropbox). It is the local wall
 * clock, zone unknown. Used only when the file itself has no date.
 */
const NAME_PATTERNS: RegExp[] = [
  // 20210102_131415, 20210102-131415, 20210102131415 (with optional milliseconds after)
  /(?:^|[^\d])((?:19|20)\d{2})(\d{2})(\d{2})[_-]?(\d{2})(\d{2})(\d{2})(?:\d{3})?(?:[^\d]|$)/,
  // 2021-01-02 13.14.15, 2021-01-02_13-14-15, 2021-01-02T13:14:15
  /(?:^|[^\d])((?:19|20)\d{2})-(\d{2})-(\d{2})[ _T](\d{2})[.:-](\d{2})[.:-](\d{2})(?:[^\d]|$)/,
  // IMG-20210102-WA0003 (WhatsApp): noon of that day, so the day survives any zone
  /(?:^|[^\d])((?:19|20)\d{2})(\d{2})(\d{2})-WA\d+/i,
];

export function captureDateFromFileName(fileName: string): CaptureDate | undefined {
  for (const pattern of NAME_PATTERNS) {
    const match = pattern.exec(fileName);
    if (!match) continue;
    const [, y, mo, d, h = '12', mi = '00', s = '00'] = match;
    const wall = parseWallClock(`${y}:${mo}:${d} ${h}:${mi}:${s}`, undefined);
    if (!wall || wall.utcGuess > Date.now() + 86_400_000) continue;
    return withZone(wall.local, wall.utcGuess, undefined);
  }
  return undefined;
}
