import { describe, expect, it } from 'vitest';
import { reverseGeocode, searchPlaces } from './reverse-geocode.js';

describe('reverseGeocode', () => {
  it('names the nearest town and its country', () => {
    expect(reverseGeocode(38.7223, -9.1393)).toEqual({ city: 'Lisbon', state: 'Lisbon', country: 'Portugal' });
    // Countries by the names Immich gives them.
    expect(reverseGeocode(40.7128, -74.006)).toEqual({ city: 'New York City', state: 'New York', country: 'United States of America' });
    // GeoNames' first-level divisions by name, as Immich's states.
    expect(reverseGeocode(48.85341, 2.3488)).toEqual({ city: 'Paris', state: 'Île-de-France', country: 'France' });
    // Towns of 500 people count (cities500), as in Immich.
    expect(reverseGeocode(37.5442706, -4.7277528)?.city).toBe('Montalbán de Córdoba');
    expect(reverseGeocode(31.22222, 121.45806)?.country).toBe("People's Republic of China");
    expect(reverseGeocode(59.93863, 30.31413)?.country).toBe('Russian Federation');
    expect(reverseGeocode(35.6895, 139.69171)?.city).toBe('Tokyo');
    // Inside Madrid, in a district GeoNames lists as a place of its own.
    expect(reverseGeocode(40.44697, -3.72475)?.city).toBe('Madrid');
  });

  it('finds places by name with their divisions, as the phone app’s map search shows them', () => {
    const [paris] = searchPlaces('Paris');
    expect(paris).toMatchObject({ name: 'Paris', admin1name: 'Île-de-France', admin2name: 'Paris' });
  });

  it('leaves open sea and impossible coordinates without a place', () => {
    expect(reverseGeocode(0, -30)).toBeUndefined();
    expect(reverseGeocode(91, 0)).toBeUndefined();
    expect(reverseGeocode(Number.NaN, 0)).toBeUndefined();
  });
});
