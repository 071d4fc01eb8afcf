import { describe, expect, it } from 'vitest';
import { inReadingOrder } from './search-suggestions.js';

describe('suggestions in reading order', () => {
  it('sorts as Immich’s database does: accents and punctuation aside, not by bytes', () => {
    expect(inReadingOrder(['Île-de-France', 'St.-Petersburg', 'State of Berlin', 'Havana', 'Zürich', 'Marrakesh-Safi'])).toEqual([
      'Havana',
      'Île-de-France',
      'Marrakesh-Safi',
      'State of Berlin',
      'St.-Petersburg',
      'Zürich',
    ]);
  });
});
