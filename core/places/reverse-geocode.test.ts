import { describe, expect, it } from 'vitest';
import { reverseGeocode } from './reverse-geocode.js';

describe('reverseGeocode', () => {
  it('names the nearest town and its country', () => {
    expect(reverseGeocode(38.7223, -9.1393)).toEqual({ city: 'Lisbon', state: null, country: 'Portugal' });
    // Countries by the names Immich gives them.
    expect(reverseGeocode(40.7128, -74.006)).toEqual({ city: 'New York City', state: 'NY', country: 'United States of America' });
    expect(reverseGeocode(31.22222, 121.45806)?.country).toBe("People's Republic of China");
    expect(reverseGeocode(59.93863, 30.31413)?.country).toBe('Russian Federation');
    expect(reverseGeocode(35.6762, 139.6503)?.city).toBe('Tokyo');
    // Inside Madrid, in a district GeoNames lists as a place of its own.
    expect(reverseGeocode(40.44697, -3.72475)?.city).toBe('Madrid');
  });

  it('leaves open sea and impossible coordinates without a place', () => {
    expect(reverseGeocode(0, -30)).toBeUndefined();
    expect(reverseGeocode(91, 0)).toBeUndefined();
    expect(reverseGeocode(Number.NaN, 0)).toBeUndefined();
  });
});
