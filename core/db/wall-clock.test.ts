import { describe, expect, it } from 'vitest';
import { wallClockText } from './wall-clock.js';

describe('wallClockText', () => {
  it.each([
    ['2015-04-10 20:12:23.55', '2015-04-10T20:12:23.550'],
    ['2015-04-10 20:12:23', '2015-04-10T20:12:23.000'],
    ['2015-04-10T20:12:23.123456', '2015-04-10T20:12:23.123'],
    ['2015-04-10 20:12:23.5', '2015-04-10T20:12:23.500'],
  ])('%s → %s', (input, expected) => {
    expect(wallClockText(input)).toBe(expected);
  });
});
