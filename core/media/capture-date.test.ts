import { describe, expect, it } from 'vitest';
import { captureDateFromFileName, captureDateFromInstant, captureDateFromTags, type CaptureDateTags } from './capture-date.js';

describe('captureDateFromTags', () => {
  // Each row: the tags a real file carries (source in the name), and what we must conclude.
  const cases: Array<[string, CaptureDateTags, { takenAt: string; localDateTime: string; timeZone: string | null } | undefined]> = [
    [
      'EXIF 2.31 offset (modern phone)',
      { DateTimeOriginal: '2021:01:02 13:14:15', OffsetTimeOriginal: '+02:00', SubSecTimeOriginal: '123' },
      { takenAt: '2021-01-02T11:14:15.123Z', localDateTime: '2021-01-02T13:14:15.123', timeZone: '+02:00' },
    ],
    [
      'negative half-hour offset (Newfoundland)',
      { DateTimeOriginal: '2019:07:01 08:00:00', OffsetTimeOriginal: '-02:30' },
      { takenAt: '2019-07-01T10:30:00.000Z', localDateTime: '2019-07-01T08:00:00.000', timeZone: '-02:30' },
    ],
    [
      'offset derived from GPS time (iphone_hdr_YES.jpg, Madrid in April)',
      { DateTimeOriginal: '2015:04:10 20:12:23', SubSecTimeOriginal: '550', GPSDateStamp: '2015:04:10', GPSTimeStamp: [18, 12, 23.06] },
      { takenAt: '2015-04-10T18:12:23.550Z', localDateTime: '2015-04-10T20:12:23.550', timeZone: '+02:00' },
    ],
    [
      'GPS a day off from a drifted camera clock is ignored (DSCN0010.jpg)',
      { DateTimeOriginal: '2008:10:22 16:28:39', GPSDateStamp: '2008:10:23', GPSTimeStamp: [14, 27, 7.24] },
      { takenAt: '2008-10-22T16:28:39.000Z', localDateTime: '2008-10-22T16:28:39.000', timeZone: null },
    ],
    [
      'no offset anywhere (Canon_40D.jpg): wall clock read as UTC, zone unknown',
      { DateTimeOriginal: '2008:05:30 15:56:01', SubSecTimeOriginal: '00' },
      { takenAt: '2008-05-30T15:56:01.000Z', localDateTime: '2008-05-30T15:56:01.000', timeZone: null },
    ],
    [
      'DateTimeOriginal wins over CreateDate (date-priority-test.jpg)',
      { DateTimeOriginal: '2023:02:02 02:00:00', CreateDate: '2023:04:04 04:00:00' },
      { takenAt: '2023-02-02T02:00:00.000Z', localDateTime: '2023-02-02T02:00:00.000', timeZone: null },
    ],
    [
      'CreateDate when DateTimeOriginal is zeroed',
      { DateTimeOriginal: '0000:00:00 00:00:00', CreateDate: '2010:12:24 18:30:00', OffsetTime: '+01:00' },
      { takenAt: '2010-12-24T17:30:00.000Z', localDateTime: '2010-12-24T18:30:00.000', timeZone: '+01:00' },
    ],
    [
      'XMP DateCreated with its own offset',
      { DateCreated: '2022-08-15T09:30:00+09:00' },
      { takenAt: '2022-08-15T00:30:00.000Z', localDateTime: '2022-08-15T09:30:00.000', timeZone: '+09:00' },
    ],
    ['31 February is not a date', { DateTimeOriginal: '2021:02:31 10:00:00' }, undefined],
    ['blank strings', { DateTimeOriginal: '    ', CreateDate: '' }, undefined],
    ['a number where a string belongs', { DateTimeOriginal: 1234 as unknown as string }, undefined],
    [
      'an impossible offset is ignored',
      { DateTimeOriginal: '2020:06:01 12:00:00', OffsetTimeOriginal: '+25:00' },
      { takenAt: '2020-06-01T12:00:00.000Z', localDateTime: '2020-06-01T12:00:00.000', timeZone: null },
    ],
  ];

  it.each(cases)('%s', (_name, tags, expected) => {
    const result = captureDateFromTags(tags);
    if (expected === undefined) {
      expect(result).toBeUndefined();
      return;
    }
    expect({ ...result, takenAt: result?.takenAt.toISOString() }).toEqual(expected);
  });

  it('falls back to a file time as UTC with no zone', () => {
    expect(captureDateFromInstant(new Date('2024-03-01T10:00:00.000Z'))).toEqual({
      takenAt: new Date('2024-03-01T10:00:00.000Z'),
      localDateTime: '2024-03-01T10:00:00.000',
      timeZone: null,
    });
  });
});

describe('capture dates in file names', () => {
  it.each([
    ['IMG_20210102_131415.jpg', '2021-01-02T13:14:15.000'],
    ['PXL_20240512_093011123.MP.jpg', '2024-05-12T09:30:11.000'],
    ['Screenshot_20210102-131415.png', '2021-01-02T13:14:15.000'],
    ['VID_20190704_090000.mp4', '2019-07-04T09:00:00.000'],
    ['2021-01-02 13.14.15.jpg', '2021-01-02T13:14:15.000'],
    ['IMG-20210102-WA0003.jpg', '2021-01-02T12:00:00.000'],
  ])('%s → %s, zone unknown', (name, local) => {
    expect(captureDateFromFileName(name)).toMatchObject({ localDateTime: local, timeZone: null });
  });

  it.each(['IMG_0001.jpg', 'DSC_20211399_251515.jpg', 'photo-99999999.jpg', 'IMG_20990101_000000.jpg'])('%s has no date', (name) => {
    expect(captureDateFromFileName(name)).toBeUndefined();
  });
});
