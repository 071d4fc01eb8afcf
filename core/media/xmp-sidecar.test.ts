import { describe, expect, it } from 'vitest';
import { decodeXmpBytes, parseXmpCoordinate, readXmpSidecar, writeXmpSidecar } from './xmp-sidecar.js';

describe('XMP sidecars', () => {
  it('reads back what it writes, special characters included', () => {
    const facts = {
      localDateTime: '2020-02-03T04:05:06.000',
      timeZone: '+09:00',
      latitude: 38.7223,
      longitude: -9.1393,
      description: 'Dinner at <Casa> & "friends"',
      rating: 4,
      tags: ['family', 'Lisbon & co'],
    };
    expect(readXmpSidecar(writeXmpSidecar(facts))).toEqual({
      dateTimeOriginal: '2020-02-03T04:05:06+09:00',
      latitude: expect.closeTo(38.7223, 6),
      longitude: expect.closeTo(-9.1393, 6),
      description: 'Dinner at <Casa> & "friends"',
      rating: 4,
      tags: ['family', 'Lisbon & co'],
    });
  });

  it('reads properties written as elements, as darktable and Lightroom do', () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>
      <exif:DateTimeOriginal>2019-07-04T09:00:00</exif:DateTimeOriginal>
      <exif:GPSLatitude>51,30,26N</exif:GPSLatitude><exif:GPSLongitude>0,7,39W</exif:GPSLongitude>
      <xmp:Rating>5</xmp:Rating>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Fireworks &#x1F386;</rdf:li></rdf:Alt></dc:description>
    </rdf:Description></rdf:RDF></x:xmpmeta>`;
    const reading = readXmpSidecar(xmp);
    expect(reading).toMatchObject({ dateTimeOriginal: '2019-07-04T09:00:00', rating: 5, description: 'Fireworks 🎆' });
    expect(reading.latitude).toBeCloseTo(51.5072, 3);
    expect(reading.longitude).toBeCloseTo(-0.1275, 3);
  });

  it('ignores what is not XMP or out of range', () => {
    expect(readXmpSidecar('hello')).toEqual({});
    expect(readXmpSidecar('<x:xmpmeta xmp:Rating="9" exif:GPSLatitude="95,0N" exif:GPSLongitude="0,0E"/>')).toEqual({});
    expect(parseXmpCoordinate('12.5N')).toBeUndefined();
  });
});

describe('sidecar text in every encoding XMP is written in', () => {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmp:CreateDate="2000-09-27T14:35:33+02:00" dc:title="Zürich"/></rdf:RDF></x:xmpmeta>`;
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
  it.each([
    ['UTF-8', Buffer.from(xmp)],
    ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xmp)])],
    ['UTF-16LE with a byte-order mark (Lightroom on Windows)', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xmp, 'utf16le')])],
    ['UTF-16BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(xmp)])],
    ['UTF-16LE without a mark', Buffer.from(xmp, 'utf16le')],
    ['UTF-16BE without a mark', utf16be(xmp)],
  ])('%s', (_, bytes) => {
    expect(decodeXmpBytes(bytes)).toBe(xmp);
    expect(readXmpSidecar(decodeXmpBytes(bytes)).dateTimeOriginal).toBe('2000-09-27T14:35:33+02:00');
  });
});
