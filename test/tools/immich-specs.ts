/**
 * Runs Immich's own end-to-end API specs (e2e/src/specs/server/api/*.e2e-spec.ts of an Immich
 * checkout, v3.0.1) against this checkout's server, and prints how many of each file pass.
 * Immich's code is read from the checkout you name and never copied into this repository.
 *
 *   IMMICH_SOURCE=/path/to/immich [IMMICH_TEST_ASSETS=/path/to/test-assets] \
 *     npx tsx test/tools/immich-specs.ts album person shared-link …
 *
 * The specs expect Immich's own database: they truncate its tables between files and write a
 * few rows directly (a face, a person's thumbnail). So Shoebox runs on a real PostgreSQL here
 * (test/real-postgres.ts) at :2285, and the copy of Immich's helpers gets three small changes:
 * Immich's table names mapped to Shoebox's, a face inserted into Shoebox's table, and no
 * thumbnail path to set. Nothing else of the specs changes. Without IMMICH_TEST_ASSETS the
 * specs that read immich-app/test-assets fail in their set-up. The oauth spec signs in at
 * Immich's own test provider (the checkout's packages/e2e-auth-server), started here at :2286
 * under the name its settings use, e2e-auth-server (a line in /etc/hosts where we may add one).
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTinyClipPack } from '../model-packs.js';
import { startRealPostgres } from '../real-postgres.js';

const root = path.resolve(import.meta.dirname, '../..');
const source = process.env.IMMICH_SOURCE;
if (!source || !existsSync(path.join(source, 'e2e/src/utils.ts'))) {
  console.error('IMMICH_SOURCE must name a checkout of github.com/immich-app/immich (v3.0.1), with e2e/src/utils.ts');
  process.exit(2);
}
const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('name the spec files to run: album person shared-link … (e2e/src/specs/server/api/<name>.e2e-spec.ts)');
  process.exit(2);
}

const work = path.join(os.tmpdir(), 'shoebox-immich-specs');
mkdirSync(work, { recursive: true });
rmSync(path.join(work, 'src'), { recursive: true, force: true });
cpSync(path.join(source, 'e2e/src'), path.join(work, 'src'), { recursive: true });
cpSync(path.join(source, 'e2e/tsconfig.json'), path.join(work, 'tsconfig.json'));
const assets = process.env.IMMICH_TEST_ASSETS;
if (assets && path.resolve(assets) === path.join(work, 'test-assets')) {
  console.error(`IMMICH_TEST_ASSETS is the runner's own copy (${assets}), which it replaces on each run; name the checkout it was copied from`);
  process.exit(2);
}
rmSync(path.join(work, 'test-assets'), { recursive: true, force: true });
if (assets) cpSync(assets, path.join(work, 'test-assets'), { recursive: true });
else mkdirSync(path.join(work, 'test-assets/albums'), { recursive: true });
// Immich's server sees the test assets at /test-assets (its container's mount); the library
// specs create libraries there. A link at that path stands in for the mount where we may make one.
try {
  rmSync('/test-assets', { force: true });
  symlinkSync(path.join(work, 'test-assets'), '/test-assets');
} catch (error) {
  console.error(`/test-assets cannot be linked (${(error as Error).message}): the library specs' scans will find nothing`);
}

writeFileSync(
  path.join(work, 'package.json'),
  JSON.stringify({
    name: 'shoebox-immich-specs',
    private: true,
    type: 'module',
    devDependencies: {
      '@faker-js/faker': '^10.1.0', '@immich/sdk': '3.2.2', '@socket.io/component-emitter': '^3.1.2', 'exiftool-vendored': '^35.0.0',
      luxon: '^3.4.4', pg: '^8.11.3', pngjs: '^7.0.0', sharp: '^0.34.5', 'socket.io-client': '^4.7.4', supertest: '^7.0.0',
      utimes: '^5.2.1', vitest: '^4.0.0', dotenv: '^17.2.3', 'oidc-provider': '^9.0.0', jose: '^6.0.0', tsx: '^4.20.6',
    },
  }),
);
writeFileSync(
  path.join(work, 'playwright.config.ts'),
  `export const playwrightHost = '127.0.0.1';\nexport const playwrightDbHost = '127.0.0.1';\nexport const playwriteBaseUrl = 'http://127.0.0.1:2285';\n`,
);
writeFileSync(
  path.join(work, 'vitest.config.ts'),
  `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.e2e-spec.ts'], testTimeout: 30_000, pool: 'threads', maxWorkers: 1, isolate: false }, resolve: { tsconfigPaths: true } });\n`,
);

/** The three changes to Immich's helpers; each must find what it replaces, or the run stops. */
function patchHelpers(file: string): void {
  let text = readFileSync(file, 'utf8');
  const replace = (what: RegExp, by: string) => {
    if (!what.test(text)) throw new Error(`Immich's e2e/src/utils.ts has changed: ${what} not found`);
    text = text.replace(what, by);
  };
  replace(/^import \{ BrowserContext \} from '@playwright\/test';$/m, 'type BrowserContext = any;');
  replace(/const dbUrl = `[^`]*`;/, 'const dbUrl = process.env.SHOEBOX_SPECS_DB!;');
  replace(
    /const truncateTables = tables\.filter\(\(table\) => table !== 'system_metadata'\);/,
    `const shoebox: Record<string, string> = { stack: 'stacks', library: 'libraries', shared_link: 'shared_links', person: 'people', album: 'albums', asset: 'assets', asset_face: 'asset_faces', activity: 'activities', api_key: 'api_keys', session: 'sessions', user: 'users', tag: 'tags', system_metadata: 'system_config' };
    const truncateTables = tables.filter((table) => table !== 'system_metadata' && shoebox[table]).map((table) => shoebox[table]);`,
  );
  replace(/sql\.push\(`DELETE FROM "system_metadata"[^`]*`\);/, 'sql.push(`DELETE FROM system_config;`);');
  replace(
    /await client\.query\('INSERT INTO asset_face \("assetId", "personId"\) VALUES \(\$1, \$2\)', \[assetId, personId\]\);/,
    `await client.query(\`INSERT INTO asset_faces (asset_id, owner_id, person_id, image_width, image_height, x1, y1, x2, y2, score, model, source_type)
      SELECT a.id, a.owner_id, $2, 100, 100, 0, 0, 10, 10, 1, 'immich-spec', 'manual' FROM assets a WHERE a.id = $1\`, [assetId, personId]);`,
  );
  replace(/await client\.query\(`UPDATE "person" set "thumbnailPath"[^`]*`, \[personId\]\);/, 'void personId;');
  writeFileSync(file, text);
}
patchHelpers(path.join(work, 'src/utils.ts'));

/**
 * @immich/sdk 3.2.2 renamed updateConfig's parameter (`systemConfigDto` in the 3.0.1 specs,
 * `adminConfigDto` now); under the old name the SDK sends no body at all, and the settings a
 * spec means to set (OAuth, job concurrency) are never sent. The name is mapped, nothing else.
 */
for (const file of [path.join(work, 'src/utils.ts'), ...names.map((name) => path.join(work, `src/specs/server/api/${name}.e2e-spec.ts`))]) {
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replaceAll('updateConfig({ systemConfigDto:', 'updateConfig({ adminConfigDto:'));
}

if (!existsSync(path.join(work, 'node_modules/oidc-provider'))) {
  const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: work, stdio: 'inherit' });
  if (installed.status !== 0) process.exit(1);
}

/** Immich's test identity provider, for the oauth spec; undefined when the checkout has none. */
function startAuthServer() {
  const from = path.join(source!, 'packages/e2e-auth-server');
  if (!existsSync(from)) {
    console.error(`${from} is missing: the oauth spec cannot sign in`);
    return undefined;
  }
  const to = path.join(work, 'node_modules/@immich/e2e-auth-server');
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  try {
    const hosts = readFileSync('/etc/hosts', 'utf8');
    if (!/\se2e-auth-server(\s|$)/.test(hosts)) writeFileSync('/etc/hosts', `${hosts.trimEnd()}\n127.0.0.1 e2e-auth-server\n`);
  } catch (error) {
    console.error(`e2e-auth-server cannot be named in /etc/hosts (${(error as Error).message}): the oauth spec's discovery will fail`);
  }
  return spawn(path.join(work, 'node_modules/.bin/tsx'), ['startup.ts'], { cwd: to, stdio: ['ignore', 'ignore', 'inherit'] });
}
const authServer = names.includes('oauth') ? startAuthServer() : undefined;

// The specs talk to :2285 only: another server there would be measured instead of this one.
if ((await fetch('http://127.0.0.1:2285/api/server/ping').catch(() => undefined)) !== undefined) {
  console.error('something already answers on 127.0.0.1:2285; stop it first');
  process.exit(2);
}
const postgres = await startRealPostgres();
const data = await mkdtemp(path.join(os.tmpdir(), 'shoebox-immich-specs-data-'));
await writeTinyClipPack(path.join(data, 'models'));
const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'local/server.ts')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, DATABASE_URL: postgres.url, SHOEBOX_PORT: '2285', SHOEBOX_HOST: '127.0.0.1', SHOEBOX_DATA: data, SHOEBOX_MODELS: path.join(data, 'models'), SHOEBOX_LOG_LEVEL: 'WARN' },
});
try {
  for (let i = 0; ; i++) {
    if ((await fetch('http://127.0.0.1:2285/api/server/ping').catch(() => undefined))?.ok) break;
    if (i > 120 || server.exitCode !== null) throw new Error('Shoebox did not start on :2285');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const files = names.map((name) => (name.includes('/') ? name : `src/specs/server/api/${name}.e2e-spec.ts`));
  const report = path.join(work, 'report.json');
  spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${report}`, ...files], {
    cwd: work,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SHOEBOX_SPECS_DB: postgres.url },
  });
  const results = JSON.parse(readFileSync(report, 'utf8')) as { testResults: Array<{ name: string; assertionResults: Array<{ status: string; fullName: string }> }> };
  let passed = 0;
  let total = 0;
  for (const file of results.testResults) {
    const counts = file.assertionResults.filter((a) => a.status === 'passed').length;
    passed += counts;
    total += file.assertionResults.length;
    console.log(`${path.basename(file.name).padEnd(32)} ${String(counts).padStart(4)} / ${file.assertionResults.length}`);
    for (const failed of file.assertionResults.filter((a) => a.status === 'failed')) console.log(`    ✗ ${failed.fullName}`);
  }
  console.log(`${'all'.padEnd(32)} ${String(passed).padStart(4)} / ${total}`);
} finally {
  authServer?.kill('SIGTERM');
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await postgres.stop();
  rmSync(data, { recursive: true, force: true });
}
