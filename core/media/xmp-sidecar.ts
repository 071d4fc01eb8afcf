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
  const tags = facts.tags.length
    ? `\n   <dc:subject><rdf:Bag>${facts.tags.map((t) => `<rdf:li>${escapeXml(t)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>`
    : '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Shoebox">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
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
