import path from 'node:path';
import type { Config } from '../config.js';

/** Whether `outer` is `inner` or a folder (prefix) above it. */
function holds(outer: string, inner: string): boolean {
  if (outer.startsWith('s3://') || inner.startsWith('s3://')) return inner.startsWith(outer.replace(/\/?$/, '/'));
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Why an import path may not be used: it is, holds or lies inside Shoebox's own storage
 * (indexing it would hand every user's originals to this library); undefined when it may.
 */
export function ownStorageProblem(config: Pick<Config, 'dataDir' | 'bucket' | 'derivedBucket'>, importPath: string): string | undefined {
  const own = [path.resolve(config.dataDir), `s3://${config.bucket}/`, `s3://${config.derivedBucket}/`];
  const normalized = importPath.startsWith('s3://') ? importPath.replace(/\/?$/, '/') : path.resolve(importPath);
  return own.some((o) => holds(normalized, o) || holds(o, normalized)) ? 'This is, holds or lies inside Shoebox’s own storage' : undefined;
}
