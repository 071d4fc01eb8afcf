import { z } from 'zod';
import type { Queryable } from '../ports/database.js';
import { DateInput } from '../http/validate.js';

/** Immich's CalendarHeatmapDto: a span of days (a year up to today by default), counting uploads or captures. */
export const CalendarHeatmapQuery = z
  .object({ from: DateInput.optional(), to: DateInput.optional(), type: z.enum(['Upload', 'Taken']).default('Upload') })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'from must be before to', path: ['from'] });
export type CalendarHeatmapQuery = z.infer<typeof CalendarHeatmapQuery>;

const DAY_MS = 86_400_000;
/** The most days one answer covers (ten years): a series is one entry per day. */
const MAX_DAYS = 3660;
const utcDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/**
 * How many photos and videos a user added (or took, by the clock of the camera) on each day, in
 * UTC: every day of the span, with zeros, as Immich's profile heatmap draws it.
 */
export async function calendarHeatmap(db: Queryable, ownerId: string, query: CalendarHeatmapQuery, now: Date) {
  const to = utcDay(query.to ?? now);
  let from = query.from ? utcDay(query.from) : new Date(to.getTime() - (52 * 7 - 1) * DAY_MS);
  if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_DAYS) from = new Date(to.getTime() - (MAX_DAYS - 1) * DAY_MS);
  const end = new Date(to.getTime() + DAY_MS);
  const day = query.type === 'Taken' ? 'a.local_date_time::date' : "(a.created_at AT TIME ZONE 'UTC')::date";
  const { rows } = await db.query<{ date: string; count: number }>({
    name: `calendar-heatmap-${query.type}`,
    text: `SELECT to_char(${day}, 'YYYY-MM-DD') AS date, count(*)::int AS count FROM assets a
      WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.status <> 'uploading'
        AND ${day} >= $2::date AND ${day} < $3::date
      GROUP BY 1`,
    values: [ownerId, from.toISOString().slice(0, 10), end.toISOString().slice(0, 10)],
  });
  const counts = new Map(rows.map((r) => [r.date, r.count]));
  const series: Array<{ date: string; count: number }> = [];
  for (let t = from.getTime(); t <= to.getTime(); t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    series.push({ date, count: counts.get(date) ?? 0 });
  }
  return { from: series[0]!.date, to: series.at(-1)!.date, series, totalCount: series.reduce((sum, d) => sum + d.count, 0) };
}
