/**
 * The XMP sidecar Shoebox writes beside an asset's derived files when a user edits it:
 * the same facts as the database, in the format every photo tool reads (darktable,
 * Lightroom, digiKam, exiftool, Immich). The original file is never written.
 */
export interface SidecarFacts {
  /** Wall-clock capture time, 'YYYY-MM-DDTHH:MM:SS(.sss)'. */
  localDateTime: string;
  /** '+02:00', or null when unknown. */
  timeZone: string | null;
  latitude: number | null;
  longitude: number | null;
  description: string;
  rating: number | null;
  tags: readonly string[];
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);

/** XMP writes GPS as 'DDD,MM.mmmmmmN'. */
export function xmpCoordinate(value: number, positive: 'N' | 'E', negative: 'S' | 'W'): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = (abs - degrees) * 60;
  return `${degrees},${minutes.toFixed(6)}${value < 0 ? negative : positive}`;
}

export function writeXmpSidecar(facts: SidecarFacts): string {
  const date = `${facts.localDateTime.replace(/\.000$/, '')}${facts.timeZone ?? ''}`;
  const attributes = [
    `exif:DateTimeOriginal="${escapeXml(date)}"`,
    `photoshop:DateCreated="${escapeXml(date)}"`,
    ...(facts.rating !== null ? [`xmp:Rating="${facts.rating}"`] : []),
    ...(facts.latitude !== null && facts.longitude !== null
      ? [`exif:GPSLatitude="${xmpCoordinate(facts.latitude, 'N', 'S')}"`, `exif:GPSLongitude="${xmpCoordinate(facts.longitude, 'E', 'W')}"`]
      : []),
  ];
  const description = facts.description
    ? `\n   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(facts.description)}</rdf:li></rdf:Alt></dc:description>`
    : '';
  // Tags three ways, as photo tools read them: digiKam's paths, Lightroom's 'A|B' with every
  // level as a flat keyword too (dc:subject, what everything else reads).
  const bag = (name: string, items: readonly string[]) =>
    `\n   <${name}><rdf:Bag>${items.map((t) => `<rdf:li>${escapeXml(t)}</rdf:li>`).join('')}</rdf:Bag></${name}>`;
  const tags = facts.tags.length
    ? bag('dc:subject', [...new Set(facts.tags.flatMap((t) => t.split('/')))]) +
      bag('lr:hierarchicalSubject', facts.tags.map((t) => t.replaceAll('/', '|'))) +
      bag('digiKam:TagsList', facts.tags)
    : '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Shoebox">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:digiKam="http://www.digikam.org/ns/1.0/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    ${attributes.join('\n    ')}>${description}${tags}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}

/** What an XMP sidecar says about its photo; absent fields leave the file's own values alone. */
export interface SidecarReading {
  dateTimeOriginal?: string;
  latitude?: number;
  longitude?: number;
  description?: string;
  rating?: number;
  tags?: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e.toLowerCase()]!,
  );

/** A simple property, written either as an attribute (ns:Name="v") or as an element (<ns:Name>v</ns:Name>). */
function property(xmp: string, name: string): string | undefined {
  const attribute = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(xmp) ?? new RegExp(`\\s${name}\\s*=\\s*'([^']*)'`).exec(xmp);
  if (attribute) return decodeXml(attribute[1]!).trim();
  const element = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xmp);
  return element ? decodeXml(element[1]!).trim() : undefined;
}

/** Items of an rdf:Alt/Bag/Seq property (dc:description, dc:subject). */
function listProperty(xmp: string, name: string): string[] {
  const block = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xmp)?.[1];
  if (!block) return [];
  return [...block.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((m) => decodeXml(m[1]!).trim()).filter(Boolean);
}

/** 'DDD,MM.mmmmN' or 'DDD,MM,SSN' → signed decimal degrees. */
export function parseXmpCoordinate(value: string | undefined): number | undefined {
  const match = /^(\d{1,3}),(\d{1,2}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?([NSEW])$/i.exec(value?.trim() ?? '');
  if (!match) return undefined;
  const degrees = Number(match[1]) + Number(match[2]) / 60 + Number(match[3] ?? 0) / 3600;
  return /[SW]/i.test(match[4]!) ? -degrees : degrees;
}

/**
 * A sidecar's bytes as text. XMP may be UTF-8 or UTF-16 (Lightroom on Windows and some
 * cameras write UTF-16 with a byte-order mark); the mark decides, else the zero bytes of
 * UTF-16 text ('<' is 3C 00 or 00 3C).
 */
export function decodeXmpBytes(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  if (bytes[0] === 0x3c && bytes[1] === 0x00) return bytes.toString('utf16le');
  if (bytes[0] === 0x00 && bytes[1] === 0x3c) return Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2))).swap16().toString('utf16le');
  return bytes.toString('utf8').replace(/^\uFEFF/, '');
}

/** Reads the facts Shoebox uses from an XMP sidecar (darktable, Lightroom, digiKam, Immich, Shoebox). */
export function readXmpSidecar(text: string): SidecarReading {
  if (!/<x:xmpmeta|<rdf:RDF/.test(text)) return {};
  const reading: SidecarReading = {};
  const date = property(text, 'exif:DateTimeOriginal') ?? property(text, 'photoshop:DateCreated') ?? property(text, 'xmp:CreateDate');
  if (date) reading.dateTimeOriginal = date;
  const latitude = parseXmpCoordinate(property(text, 'exif:GPSLatitude'));
  const longitude = parseXmpCoordinate(property(text, 'exif:GPSLongitude'));
  if (latitude !== undefined && longitude !== undefined && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180) Object.assign(reading, { latitude, longitude });
  const description = listProperty(text, 'dc:description')[0] ?? property(text, 'dc:description');
  if (description) reading.description = description;
  const rating = Number(property(text, 'xmp:Rating'));
  if (Number.isInteger(rating) && rating >= -1 && rating <= 5) reading.rating = rating;
  const tags = keywordPaths({
    TagsList: listProperty(text, 'digiKam:TagsList'),
    hierarchicalSubject: listProperty(text, 'lr:hierarchicalSubject'),
    subject: listProperty(text, 'dc:subject'),
  });
  if (tags.length) reading.tags = tags;
  return reading;
}

/**
 * A sidecar's facts as an asset edit (the same names as PUT /api/assets/:id), keeping only
 * what an edit accepts: a location needs both coordinates, a rating is 0–5; empty when the
 * sidecar says nothing.
 */
export function editFromSidecar(sidecar: SidecarReading): SidecarReading {
  return {
    ...(sidecar.dateTimeOriginal ? { dateTimeOriginal: sidecar.dateTimeOriginal } : {}),
    ...(sidecar.latitude !== undefined && sidecar.longitude !== undefined ? { latitude: sidecar.latitude, longitude: sidecar.longitude } : {}),
    ...(sidecar.description ? { description: sidecar.description } : {}),
    // -1 is "rejected" in XMP; Shoebox's ratings are 0–5.
    ...(sidecar.rating !== undefined && sidecar.rating >= 0 ? { rating: sidecar.rating } : {}),
    ...(sidecar.tags?.length ? { tags: sidecar.tags } : {}),
  };
}

/**
 * A file's tags as paths ('Family/Anna'), from the richest list it has, as Immich reads them:
 * digiKam's TagsList, else Lightroom's hierarchicalSubject ('Family|Anna'; a '/' inside a level
 * becomes '|'), else the flat keywords (XMP dc:subject, IPTC Keywords).
 */
export function keywordPaths(lists: { TagsList?: unknown; hierarchicalSubject?: unknown; subject?: unknown; Keywords?: unknown }): string[] {
  const texts = (value: unknown) => (Array.isArray(value) ? value : [value]).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  const tagsList = texts(lists.TagsList);
  const hierarchical = texts(lists.hierarchicalSubject).map((tag) => tag.split('|').map((level) => level.replaceAll('/', '|')).join('/'));
  const flat = texts(lists.subject).length > 0 ? texts(lists.subject) : texts(lists.Keywords);
  const chosen = tagsList.length > 0 ? tagsList : hierarchical.length > 0 ? hierarchical : flat;
  // eslint-disable-next-line no-control-regex
  const clean = chosen.map((tag) => tag.replace(/\u0000/g, '').trim().slice(0, 200)).filter(Boolean);
  return [...new Set(clean)].slice(0, 100);
}
