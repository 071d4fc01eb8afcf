import { describe, expect, it } from 'vitest';
import { arrayLiteral, decodeRow, toNamedParameters, toParameter } from './data-api-database.js';

// The shapes below are the Data API's, as its API reference documents them (ExecuteStatement
// with includeResultMetadata). No emulator runs the Data API against real SQL here, so these
// conversions are what can be proven offline.
describe('the Data API database adapter', () => {
  it('renames $n parameters to :pn, leaving casts, strings and comments alone', () => {
    expect(toNamedParameters(`SELECT $1::uuid[], '$2', "$3" -- $4\n, $10 FROM t WHERE a = $2`)).toBe(
      `SELECT :p1::uuid[], '$2', "$3" -- $4\n, :p10 FROM t WHERE a = :p2`,
    );
    expect(toNamedParameters('DO $$ BEGIN PERFORM 1; END $$')).toBe('DO $$ BEGIN PERFORM 1; END $$');
  });

  it('types parameters the way Postgres needs them', () => {
    expect(toParameter('p1', null)).toEqual({ name: 'p1', value: { isNull: true } });
    expect(toParameter('p1', 42)).toEqual({ name: 'p1', value: { longValue: 42 } });
    expect(toParameter('p1', 2.5)).toEqual({ name: 'p1', value: { doubleValue: 2.5 } });
    expect(toParameter('p1', true)).toEqual({ name: 'p1', value: { booleanValue: true } });
    expect(toParameter('p1', Buffer.from([1, 2]))).toEqual({ name: 'p1', value: { blobValue: Buffer.from([1, 2]) } });
    expect(toParameter('p1', new Date('2024-02-03T04:05:06.789Z'))).toEqual({
      name: 'p1',
      value: { stringValue: '2024-02-03 04:05:06.789' },
      typeHint: 'TIMESTAMP',
    });
    expect(toParameter('p1', '0f143a4b-feb1-4a31-8f81-9a3dce7aa65f')).toMatchObject({ typeHint: 'UUID' });
    expect(toParameter('p1', 'IMG_0001.jpg')).toEqual({ name: 'p1', value: { stringValue: 'IMG_0001.jpg' } });
  });

  it('writes arrays as Postgres array literals, escaping what needs it', () => {
    expect(arrayLiteral(['a', 'b"c', 'd\\e', null])).toBe('{"a","b\\"c","d\\\\e",NULL}');
    expect(arrayLiteral([Buffer.from('ab')])).toBe('{"\\\\x6162"}');
    expect(arrayLiteral([1, 2, true])).toBe('{1,2,true}');
  });

  it('decodes rows into what the pg driver would return', () => {
    const row = decodeRow(
      [
        { stringValue: '0f143a4b-feb1-4a31-8f81-9a3dce7aa65f' },
        { stringValue: '2024-02-03 04:05:06.789' },
        { stringValue: '2024-02-03 06:05:06.789' },
        { blobValue: new Uint8Array([1, 2, 3]) },
        { longValue: 1234567 },
        { isNull: true },
        { stringValue: '{"status":"completed"}' },
        { arrayValue: { stringValues: ['all'] } },
      ],
      [
        { name: 'id', typeName: 'uuid' },
        { name: 'taken_at', label: 'takenAt', typeName: 'timestamptz' },
        { name: 'local_date_time', label: 'localDateTime', typeName: 'timestamp' },
        { name: 'checksum', typeName: 'bytea' },
        { name: 'size', typeName: 'int8' },
        { name: 'deleted_at', label: 'deletedAt', typeName: 'timestamptz' },
        { name: 'value', typeName: 'jsonb' },
        { name: 'permissions', typeName: '_text' },
      ],
    );
    expect(row).toEqual({
      id: '0f143a4b-feb1-4a31-8f81-9a3dce7aa65f',
      takenAt: new Date('2024-02-03T04:05:06.789Z'),
      localDateTime: '2024-02-03T06:05:06.789',
      checksum: Buffer.from([1, 2, 3]),
      size: 1234567,
      deletedAt: null,
      value: { status: 'completed' },
      permissions: ['all'],
    });
  });
});
