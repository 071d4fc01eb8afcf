/**
 * Google-Photos-style rows: pictures keep their aspect ratio, each row is scaled to fill the
 * width exactly, rows aim at `target` px high. The last row keeps the target height.
 */
export interface Placed<T> {
  item: T;
  width: number;
  height: number;
}

export function justifiedRows<T>(items: T[], ratioOf: (item: T) => number, width: number, target = 220, gap = 4): Placed<T>[][] {
  const rows: Placed<T>[][] = [];
  let row: T[] = [];
  let ratios = 0;
  for (const item of items) {
    row.push(item);
    ratios += ratioOf(item);
    const height = (width - gap * (row.length - 1)) / ratios;
    if (height <= target) {
      rows.push(row.map((i) => ({ item: i, width: ratioOf(i) * height, height })));
      row = [];
      ratios = 0;
    }
  }
  if (row.length) rows.push(row.map((i) => ({ item: i, width: ratioOf(i) * target, height: target })));
  return rows;
}
