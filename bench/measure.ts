import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const resultsDir = path.resolve(import.meta.dirname, 'results');

/** The p-th percentile of ascending `sorted` (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` `times` times in a row; milliseconds of each run, ascending. */
export async function timeRuns(times: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn(i);
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b);
}

/** bench/results/<name>.json and .md, and the table on stdout. */
export async function writeResults(name: string, result: object, table: string): Promise<void> {
  await writeFile(path.join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(path.join(resultsDir, `${name}.md`), `${table}\n`);
  console.log(table);
}
