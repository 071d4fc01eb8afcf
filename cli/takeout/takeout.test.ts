import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchSidecars, sidecarCandidates } from './match-sidecars.js';
import { readTakeoutSidecar } from './takeout-sidecar.js';

const fixture = (name: string) => readFile(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('matching Takeout sidecars', () => {
  // Each row: a media file and its sidecar's name in a real export.
  const cases: Array<[string, string, string]> = [
    ['the classic name', 'IMG_20190101_120000.jpg', 'IMG_20190101_120000.jpg.json'],
    ['a counter moved behind the extension (photoprism testdata 2015-02-04(1).jpg)', '2015-02-04(1).jpg', '2015-02-04.jpg(1).json'],
    ['the 2024+ supplemental-metadata name', 'IMG_1234.jpg', 'IMG_1234.jpg.supplemental-metadata.json'],
    ['supplemental-metadata cut at 51 characters', 'PXL_20240512_093011123.jpg', 'PXL_20240512_093011123.jpg.supplemental-metada.json'],
    ['supplemental-metadata cut short by the length limit', 'PXL_20240512_093011123.MP.jpg', 'PXL_20240512_093011123.MP.jpg.supplemental-met.json'],
    ['supplemental-metadata with a counter', 'IMG_1234(2).HEIC', 'IMG_1234.HEIC.supplemental-metadata(2).json'],
    [
      'a long name cut at 51 characters, .json included',
      'IMG_20200101_101010_this_is_a_very_long_file_name_from_an_app.jpg',
      'IMG_20200101_101010_this_is_a_very_long_file_n.json',
    ],
    ['an edited copy sharing the original’s sidecar', 'IMG_1234-edited.jpg', 'IMG_1234.jpg.json'],
    ['a German export’s edited copy', 'IMG_1234-bearbeitet.jpg', 'IMG_1234.jpg.json'],
  ];
  it.each(cases)('%s', (_name, media, sidecar) => {
    const decoy = `${media}.unrelated.json`;
    expect(matchSidecars([media], [decoy, sidecar]).matches[0]!.sidecar).toBe(sidecar);
    expect(sidecarCandidates(media)).toContain(sidecar);
  });

  it('lends a live photo’s sidecar to its video and reports sidecars that match nothing', () => {
    const { matches, unmatchedSidecars } = matchSidecars(['IMG_0001.HEIC', 'IMG_0001.MP4', 'IMG_0002.jpg'], ['IMG_0001.HEIC.json', 'orphan.jpg.json', 'metadata.json']);
    expect(matches).toEqual([
      { media: 'IMG_0001.HEIC', sidecar: 'IMG_0001.HEIC.json' },
      { media: 'IMG_0001.MP4', sidecar: 'IMG_0001.HEIC.json' },
      { media: 'IMG_0002.jpg', sidecar: undefined },
    ]);
    expect(unmatchedSidecars).toEqual(['orphan.jpg.json']);
  });

  it('keeps the copy and the original apart: each gets its own sidecar', () => {
    const { matches } = matchSidecars(['2015-02-04.jpg', '2015-02-04(1).jpg'], ['2015-02-04.jpg.json', '2015-02-04.jpg(1).json']);
    expect(matches.map((m) => m.sidecar)).toEqual(['2015-02-04.jpg.json', '2015-02-04.jpg(1).json']);
  });
});

describe('reading Takeout sidecars (photoprism testdata)', () => {
  it('takes the capture time, place and description', async () => {
    const meta = readTakeoutSidecar(await fixture('photoprism__gphotos-1.json'));
    expect(meta.description).toBe('hdrpl');
    expect(meta.latitude).toBeCloseTo(52.5085, 3);
    expect(meta.longitude).toBeCloseTo(13.4432, 3);
    expect(meta.takenAt?.getUTCFullYear()).toBeGreaterThan(2000);
  });

  it('treats 0,0 as no location, and an empty description as none', async () => {
    const meta = readTakeoutSidecar(await fixture('photoprism__2015-02-04.jpg.json'));
    expect(meta).toMatchObject({ latitude: undefined, longitude: undefined, description: undefined, isFavorite: false });
    expect(meta.takenAt).toEqual(new Date(1423073935 * 1000));
  });

  it('reads favourites, archive and trash flags, and refuses what is not a sidecar', () => {
    const meta = readTakeoutSidecar(JSON.stringify({ photoTakenTime: { timestamp: '1' }, favorited: true, archived: true, trashed: true }));
    expect(meta).toMatchObject({ isFavorite: true, isArchived: true, isTrashed: true });
    expect(() => readTakeoutSidecar('{"photoTakenTime":{"timestamp":"yesterday"}}')).toThrow();
    expect(() => readTakeoutSidecar('not json')).toThrow();
  });
});
