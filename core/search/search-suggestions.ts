import type { Queryable } from '../ports/database.js';

export const SUGGESTION_TYPES = ['country', 'state', 'city', 'camera-make', 'camera-model'] as const;
export type SuggestionType = (typeof SUGGESTION_TYPES)[number];

const COLUMN: Record<SuggestionType, string> = { country: 'country', state: 'state', city: 'city', 'camera-make': 'make', 'camera-model': 'model' };

export interface SuggestionFilter {
  country?: string;
  state?: string;
  make?: string;
}

/**
 * The values one owner's photos have for a place or camera field (Immich's
 * GET /search/suggestions), narrowed by the fields above it — cities of a country, models
 * of a make — so the search page offers only filters that find something. As in Immich, only
 * the timeline counts: an archived photo's place is no suggestion.
 */
export async function searchSuggestions(db: Queryable, ownerId: string, type: SuggestionType, filter: SuggestionFilter): Promise<string[]> {
  const column = COLUMN[type];
  const params: unknown[] = [ownerId];
  const narrow = (['country', 'state', 'make'] as const)
    .filter((field) => filter[field] !== undefined && field !== column)
    .map((field) => {
      params.push(filter[field]);
      return `e.${field} = $${params.length}`;
    });
  const { rows } = await db.query<{ value: string }>(
    `SELECT DISTINCT e.${column} AS value
     FROM asset_exif e JOIN assets a ON a.id = e.asset_id
     WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline'
       AND e.${column} IS NOT NULL AND e.${column} <> '' ${narrow.map((n) => `AND ${n}`).join(' ')}
     ORDER BY 1 LIMIT 500`,
    params,
  );
  return inReadingOrder(rows.map((r) => r.value));
}

const READING_ORDER = new Intl.Collator('en', { ignorePunctuation: true });

/** In the order people read (and Immich's database sorts them): accents and punctuation aside. */
export function inReadingOrder(values: string[]): string[] {
  return [...values].sort(READING_ORDER.compare);
}
