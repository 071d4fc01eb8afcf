/**
 * A `timestamp without time zone` as Shoebox carries it: 'YYYY-MM-DDTHH:MM:SS.mmm', exactly.
 * Postgres prints '2015-04-10 20:12:23.55' (trailing zeros dropped, a space), whichever way
 * it is fetched; this is the one place that evens it out.
 */
export function wallClockText(value: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value.replace(' ', 'T');
  return `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0').slice(0, 3)}`;
}
