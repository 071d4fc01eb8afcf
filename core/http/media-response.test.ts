import { describe, expect, it } from 'vitest';
import { parseRange } from './media-response.js';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=100-', 1000, { start: 100, end: 999 }],
    ['bytes=-50', 1000, { start: 950, end: 999 }],
    ['bytes=900-5000', 1000, { start: 900, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=5-1', 1000, 'unsatisfiable'],
    ['bytes=0-1,5-9', 1000, undefined],
    ['items=0-1', 1000, undefined],
    [null, 1000, undefined],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});
