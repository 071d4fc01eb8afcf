/**
 * Runs every read of immichpy's CLI (PyPI `immichpy[cli]` 8.0.5, generated from Immich's 3.2.4
 * API that validates each answer against its models) and a set of its writes against a fresh
 * Shoebox with something of everything, and prints which commands fail and why.
 *
 *   IMMICHPY=/path/to/venv/bin/immichpy npx tsx test/tools/immichpy-check.ts
 *
 * (immichpy 9 follows Immich 3.3, whose shapes go beyond the 3.2.2 that Shoebox speaks.)
 *
 * Reads are found from the CLI itself (`immichpy <group> --help`); their required arguments are
 * filled from the household's ids by name. Nothing of immichpy is copied here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { colourPhoto } from '../media-samples.js';
import { immichLicence, startHousehold } from '../test-runtime.js';

const run = promisify(execFile);
const cli = process.env.IMMICHPY;
if (!cli) {
  console.error('IMMICHPY must name the immichpy executable (pip install "immichpy[cli]")');
  process.exit(2);
}
type Json = Record<string, any>;

const help = async (...args: string[]) => (await run(cli, [...args, '--help'], { env: { ...process.env, COLUMNS: '200' } })).stdout;
/** The names in the help's boxes (`│ name  …`), its positional arguments and required options. */
const boxNames = (text: string) => [...text.matchAll(/^│ ([a-z][a-z-]*) /gm)].map((m) => m[1]!);

const home = await startHousehold('127.0.0.46', [['ada', 'bea']]);
const base = `http://127.0.0.46:${home.runtime.port}/api`;
const send = async (method: string, route: string, body?: unknown) => {
  const answer = await home.api.call<Json>(method, route, { key: home.ada.apiKey, body });
  if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
};
try {
  const asset = await home.api.upload(home.ada, await colourPhoto(200, 30, 30, 1), 'Rot im Schnee.jpg');
  const asset2 = await home.api.upload(home.ada, await colourPhoto(30, 200, 30, 2), 'Grün.jpg');
  const album = (await send('POST', '/albums', { albumName: 'Sommer', assetIds: [asset], albumUsers: [{ userId: home.bea.id, role: 'viewer' }] })).id;
  const link = await send('POST', '/shared-links', { type: 'ALBUM', albumId: album });
  const tag = (await send('POST', '/tags', { name: 'Familie' })).id;
  await send('PUT', `/tags/${tag}/assets`, { ids: [asset] });
  const stack = (await send('POST', '/stacks', { assetIds: [asset, asset2] })).id;
  const memory = (await send('POST', '/memories', { type: 'on_this_day', data: { year: 2020 }, memoryAt: '2024-06-01T00:00:00.000Z', assetIds: [asset] })).id;
  const library = (await send('POST', '/libraries', { ownerId: home.ada.id, importPaths: [] })).id;
  const notification = (await send('POST', '/admin/notifications', { userId: home.ada.id, title: 'Hallo' })).id;
  const person = (await send('POST', '/people', { name: 'Oma' })).id;
  const workflow = (await send('POST', '/workflows', { trigger: 'AssetCreate', steps: [] })).id;
  const plugin = ((await send('GET', '/plugins')) as unknown as Json[])[0]!.id;
  const apiKey = ((await send('GET', '/api-keys')) as unknown as Json[])[0]!.id;
  const session = ((await send('GET', '/sessions')) as unknown as Json[])[0]!.id;
  const assetFile = ((await send('GET', `/asset-files?assetId=${asset}`)) as unknown as Json[])[0]!.id;
  await send('PUT', `/assets/${asset}/metadata`, { items: [{ key: 'note', value: { text: 'Grüße' } }] });
  await send('PUT', '/server/license', immichLicence('IMSV'));
  await send('PUT', '/users/me/license', immichLicence('IMCL'));
  const picture = new FormData();
  picture.set('file', new Blob([new Uint8Array(await colourPhoto(1, 2, 3, 4))]), 'ich.jpg');
  await fetch(`${base}/users/profile-image`, { method: 'POST', body: picture, headers: { 'x-api-key': home.ada.apiKey } });
  const bucket = ((await send('GET', '/timeline/buckets')) as unknown as Json[])[0]!.timeBucket;
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-immichpy-'));

  /** Values by (group, name), then by name alone. */
  const byGroup: Record<string, Record<string, string>> = {
    albums: { id: album }, assets: { id: asset, key: 'note' }, 'api-keys': { id: apiKey }, 'asset-files': { id: assetFile }, 'shared-links': { id: link.id },
    tags: { id: tag }, stacks: { id: stack }, memories: { id: memory }, libraries: { id: library }, notifications: { id: notification },
    people: { id: person }, workflows: { id: workflow }, plugins: { id: plugin }, users: { id: home.ada.id }, 'users-admin': { id: home.bea.id }, 'maintenance-admin': { type: 'missing_file' }, 'notifications-admin': { name: 'album-invite' },
    sessions: { id: session }, partners: { id: home.bea.id }, queues: { name: 'thumbnailGeneration' }, 'cluster-groups': { id: home.ada.id },
  };
  const byName: Record<string, string> = {
    'album-id': album, 'asset-id': asset, id: asset, 'time-bucket': bucket, type: 'country', direction: 'shared-by', name: 'a', lat: '52.52', lon: '13.405',
    path: '/', 'user-id': home.ada.id, key: link.key, 'person-id': person, 'library-id': library, session_id: '11111111-1111-4111-8111-111111111111',
    'asset-ids': asset, filename: 'seg_0.m4s', variant_index: '0', out_dir: outDir, template: 'Hallo {{name}}', types: 'AssetsV1',
  };
  /** Options a command needs to mean something here (the CLI marks them optional). */
  const EXTRA: Record<string, string[]> = {
    'download get-download-info': ['--asset-ids', asset],
    'download download-archive-to-file': ['--asset-ids', asset],
    'shared-links get-my-shared-link': ['--key', link.key],
    'search search-smart': ['--query', 'rot'],
  };
  const failures: string[] = [];
  let passed = 0;
  const groups = boxNames((await help()).split('API commands')[1] ?? '');
  for (const group of groups) {
    const commands = boxNames(await help(group)).filter((c) => /^(get|search|view|download|play|reverse|list)-/.test(c));
    for (const command of commands) {
      const text = await help(group, command);
      const positional = [...text.matchAll(/^│ \*\s+([a-z_]+)\s+</gm)].map((m) => m[1]!);
      const required = [...text.matchAll(/^│ \*\s+--([a-z-]+)/gm)].map((m) => m[1]!);
      const value = (name: string) => byGroup[group]?.[name] ?? byName[name];
      const missing = [...positional, ...required].filter((name) => value(name) === undefined);
      if (missing.length) {
        failures.push(`${group} ${command}: no value for ${missing.join(', ')} (not run)`);
        continue;
      }
      const args = [group, command, ...positional.map((name) => value(name)!), ...required.flatMap((name) => [`--${name}`, value(name)!]), ...(EXTRA[`${group} ${command}`] ?? [])];
      // The sync API is the phone app's, for a session; Immich refuses API keys there too.
      const credential = group === 'sync' ? ['--access-token', home.ada.accessToken] : ['--api-key', home.ada.apiKey];
      try {
        await run(cli, ['--format', 'json', '--base-url', base, ...credential, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
        passed++;
      } catch (error) {
        const { stderr, stdout } = error as { stderr?: string; stdout?: string };
        const said = `${stdout ?? ''}\n${stderr ?? ''}`.split('\n').filter((line) => line.trim() && !line.includes('DeprecationWarning'));
        failures.push(`${args.join(' ')}: ${(said.join(' | ') || String(error)).slice(0, 400)}`);
      }
    }
  }
  console.log(`immichpy reads: ${passed} passed, ${failures.length} failed`);
  for (const failure of failures) console.log(`  ✗ ${failure}`);
} finally {
  await home.runtime.close();
}
