/**
 * Cold start of the bundled API function, in a Lambda-like harness: a fresh Node process
 * loads the bundle (as Lambda's runtime does at init) and serves its first request.
 * Needs the bundles: `npx cdk synth -q` first. Writes bench/results/cold-start.{json,md}.
 *
 *   npx cdk synth -q && npm run bench:cold-start
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'cdk.out');
const RUNS = 7;

function assetOf(handlerPath: string): string {
  for (const dir of readdirSync(out).filter((d) => d.startsWith('asset.'))) {
    const map = path.join(out, dir, 'index.mjs.map');
    try {
      if (readFileSync(map, 'utf8').includes(handlerPath)) return path.join(out, dir);
    } catch {
      // not a function bundle
    }
  }
  throw new Error(`No bundle for ${handlerPath} in cdk.out: run \`npx cdk synth -q\` first`);
}

function dirSize(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.map'))
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0);
}

// The harness: what Lambda's Node runtime does, minus the network — import, then invoke once.
const harness = `
const t0 = performance.now();
const { handler } = await import(process.argv[1] + '/index.mjs');
const t1 = performance.now();
const event = { version: '2.0', routeKey: '$default', rawPath: '/api/server/ping', rawQueryString: '', headers: { host: 'x' },
  requestContext: { http: { method: 'GET', path: '/api/server/ping', sourceIp: '1.1.1.1', protocol: 'HTTP/1.1', userAgent: 'bench' }, domainName: 'x', requestId: 'r', stage: '$default' },
  isBase64Encoded: false };
const response = await handler(event, {});
const t2 = performance.now();
if (response.statusCode !== 200) throw new Error('ping answered ' + response.statusCode);
console.log(JSON.stringify({ initMs: t1 - t0, firstInvokeMs: t2 - t1 }));
`;

const api = assetOf('functions/api/handler.ts');
const env = {
  ...process.env,
  SHOEBOX_STORE: 's3',
  SHOEBOX_QUEUE: 'sqs',
  SHOEBOX_KV: 'dynamodb',
  SHOEBOX_BUCKET: 'bench',
  DATABASE_DATA_API_ARN: 'arn:aws:rds:eu-west-1:123456789012:cluster:bench',
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench',
  AWS_REGION: 'eu-west-1',
  SHOEBOX_LOG_LEVEL: 'ERROR',
};
const node = path.join(root, 'node_modules/.bin/node'); // Node 22, as on Lambda
const runs = Array.from({ length: RUNS }, () =>
  JSON.parse(execFileSync(node, ['--input-type=module', '-e', harness, api], { env, encoding: 'utf8' }).trim()) as { initMs: number; firstInvokeMs: number },
);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const result = {
  bench: 'cold-start',
  date: new Date().toISOString(),
  node: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(),
  apiBundle: { indexMjsBytes: statSync(path.join(api, 'index.mjs')).size, totalBytesWithoutMaps: dirSize(api) },
  runs: RUNS,
  initMs: median(runs.map((r) => r.initMs)),
  firstInvokeMs: median(runs.map((r) => r.firstInvokeMs)),
  targets: { coldStartMs: 1000, apiBundleBytes: 5 * 1024 * 1024 },
};
const cold = result.initMs + result.firstInvokeMs;
const table = [
  `# Cold start — ${result.date.slice(0, 10)}, ${result.node}, median of ${RUNS} fresh processes`,
  '',
  '| measure | value | target |',
  '|---|---|---|',
  `| API bundle (index.mjs) | ${(result.apiBundle.indexMjsBytes / 1e6).toFixed(2)} MB | < 5 MB |`,
  `| API function package, without source maps | ${(result.apiBundle.totalBytesWithoutMaps / 1e6).toFixed(2)} MB | |`,
  `| init (load the bundle) | ${result.initMs.toFixed(0)} ms | |`,
  `| first request (GET /api/server/ping) | ${result.firstInvokeMs.toFixed(0)} ms | |`,
  `| cold start, init + first request | ${cold.toFixed(0)} ms | < 1000 ms |`,
].join('\n');
writeFileSync(path.join(root, 'bench/results/cold-start.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(path.join(root, 'bench/results/cold-start.md'), `${table}\n`);
console.log(table);
