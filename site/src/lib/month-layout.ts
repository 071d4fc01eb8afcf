import { justifiedRows, type Placed } from './justified-rows';

/** Heights the stylesheet gives the month and day headings (.month h2, .day-heading): layout and CSS agree on them. */
export const MONTH_HEADING = 56;
export const DAY_HEADING = 36;
const GAP = 4;

export type Block<T> =
  | { kind: 'day'; key: string; top: number; day: string; items: T[] }
  | { kind: 'row'; key: string; top: number; height: number; tiles: Array<Placed<T>> };

export interface MonthLayout<T> {
  blocks: Array<Block<T>>;
  /** Below the month heading. */
  height: number;
}

/** Row height the grid aims at for a width: smaller tiles on phones. */
export const targetRowHeight = (width: number) => (width < 600 ? 120 : 220);

/**
 * Where every day heading and row of a month goes, computed from the assets' aspect ratios
 * alone, so the month knows its exact height and renders only the rows near the screen.
 */
export function monthLayout<T extends { day: string }>(items: T[], ratioOf: (item: T) => number, width: number): MonthLayout<T> {
  const blocks: Array<Block<T>> = [];
  let top = 0;
  for (let start = 0; start < items.length; ) {
    const day = items[start]!.day;
    let end = start;
    while (end < items.length && items[end]!.day === day) end++;
    blocks.push({ kind: 'day', key: `d${day}`, top, day, items: items.slice(start, end) });
    top += DAY_HEADING;
    for (const [r, tiles] of justifiedRows(items.slice(start, end), ratioOf, width, targetRowHeight(width), GAP).entries()) {
      const height = tiles[0]!.height;
      blocks.push({ kind: 'row', key: `r${day}:${r}`, top, height, tiles });
      top += height + GAP;
    }
    start = end;
  }
  return { blocks, height: top };
}

/** A month's height before its assets are known: its count in rows of typical photos, plus some day headings. */
export function estimatedMonthHeight(count: number, width: number): number {
  const target = targetRowHeight(width);
  const perRow = Math.max(1, Math.floor(width / (target * 1.4)));
  return MONTH_HEADING + Math.ceil(count / perRow) * (target + GAP) + Math.min(count, 12) * DAY_HEADING;
}
