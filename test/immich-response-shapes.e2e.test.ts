import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { immichShapeProblems, knownImmichShape } from './immich-shapes.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.40';

/** Every operation of @immich/sdk 3.2.2: its name, HTTP method and path, the parameters it needs, and the type it promises. */
interface SdkOperation {
  name: string;
  method: string;
  path: string;
  required: string[];
  returns: string;
}

function sdkOperations(): SdkOperation[] {
  const dir = path.dirname(createRequire(import.meta.url).resolve('@immich/sdk'));
  const js = readFileSync(path.join(dir, 'fetch-client.js'), 'utf8');
  const dts = readFileSync(path.join(dir, 'fetch-client.d.ts'), 'utf8');
  const operations: SdkOperation[] = [];
  for (const m of dts.matchAll(/^export declare function (\w+)\((?:\{[^}]*\}: \{\n([\s\S]*?)\n\}, )?opts\?: Oazapfts\.RequestOpts\): Promise<([\s\S]*?)>;$/gm)) {
    const body = new RegExp(`export function ${m[1]}\\([^)]*\\) \\{([\\s\\S]*?)\\n\\}`).exec(js)?.[1] ?? '';
    const route = /fetch\w*\(\s*[`"]([^`"]*?)(?:\$\{QS|[`"])/.exec(body)?.[1];
    if (!route) continue;
    const required = [...(m[2] ?? '').matchAll(/^ {4}"?([\w$]+)"?: /gm)].map((r) => r[1]!);
    operations.push({ name: m[1]!, method: /method: "(\w+)"/.exec(body)?.[1] ?? 'GET', path: route.replace(/\$\{encodeURIComponent\(([\w$]+)\)\}/g, '{$1}'), required, returns: m[3]!.trim() });
  }
  return operations;
}

/**
 * Every read in Immich's API, asked of a household with something of everything (photos, an
 * album shared with a partner, a link, a tag, a stack, a memory, a library, a notification), and
 * each answer checked against the type @immich/sdk 3.2.2 declares for it: every required field
 * there, of its type, enums within their values. This is what Immich's generated clients (the
 * phone app's Dart client, the CLI, immich-go) decode; a difference is a crash or a lost field
 * in one of them.
 */
describe('every answer Immich’s API reads, in the shape @immich/sdk 3.2.2 declares', () => {
  let home: Household;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    home = await startHousehold(HOST, [['ada', 'bea']]);
    const { api, ada, bea } = home;
    const send = async (method: string, route: string, body?: unknown) => {
      const answer = await api.call<Json>(method, route, { key: ada.apiKey, body });
      if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    ids.asset = await api.upload(ada, await colourPhoto(200, 30, 30, 1), 'Rot im Schnee.jpg');
    ids.asset2 = await api.upload(ada, await colourPhoto(30, 200, 30, 2), 'Grün.jpg');
    ids.album = (await send('POST', '/albums', { albumName: 'Sommer', assetIds: [ids.asset], albumUsers: [{ userId: bea.id, role: 'viewer' }] })).id;
    const link = await send('POST', '/shared-links', { type: 'ALBUM', albumId: ids.album });
    ids.sharedLink = link.id;
    ids.sharedLinkKey = link.key;
    const licence = (prefix: string) => ({
      licenseKey: `${prefix}-${Array.from({ length: 8 }, (_, i) => `A${i}B${i}`).join('-')}`,
      activationKey: Buffer.alloc(256, 7).toString('base64url'),
    });
    await send('PUT', '/server/license', licence('IMSV'));
    await send('PUT', '/users/me/license', licence('IMCL'));
    const picture = new FormData();
    picture.set('file', new Blob([new Uint8Array(await colourPhoto(1, 2, 3, 4))]), 'ich.jpg');
    await fetch(`http://${HOST}:${home.runtime.port}/api/users/profile-image`, { method: 'POST', body: picture, headers: { 'x-api-key': ada.apiKey } });
    ids.tag = (await send('POST', '/tags', { name: 'Familie' })).id;
    await send('PUT', `/tags/${ids.tag}/assets`, { ids: [ids.asset] });
    ids.stack = (await send('POST', '/stacks', { assetIds: [ids.asset, ids.asset2] })).id;
    ids.memory = (await send('POST', '/memories', { type: 'on_this_day', data: { year: 2020 }, memoryAt: '2024-06-01T00:00:00.000Z', assetIds: [ids.asset] })).id;
    ids.library = (await send('POST', '/libraries', { ownerId: ada.id, importPaths: ['/nowhere/yet'] })).id;
    ids.notification = (await send('POST', '/admin/notifications', { userId: ada.id, title: 'Hallo' })).id;
    ids.apiKey = ((await send('GET', '/api-keys')) as unknown as Json[])[0]!.id;
    ids.workflow = (await send('POST', '/workflows', { trigger: 'AssetCreate', logging: true, steps: [{ method: 'shoebox-core#assetFavorite', config: {} }] })).id;
    ids.plugin = ((await send('GET', '/plugins')) as unknown as Json[])[0]!.id;
    // A run to log: a photo after the workflow.
    await api.upload(ada, await colourPhoto(5, 5, 250, 5), 'Blau.jpg');
    ids.user = ada.id;
    ids.partner = bea.id;
  });
  afterAll(() => home?.runtime.close());

  /** Path parameters by the collection they name. */
  const pathValue = (route: string, name: string): string | undefined => {
    if (name === 'id') {
      const collection = /^\/(?:admin\/)?([\w-]+)/.exec(route)?.[1];
      const byCollection: Record<string, string | undefined> = {
        albums: ids.album, assets: ids.asset, users: ids.user, 'api-keys': ids.apiKey, 'shared-links': ids.sharedLink, tags: ids.tag,
        stacks: ids.stack, memories: ids.memory, libraries: ids.library, notifications: ids.notification, partners: ids.partner,
        workflows: ids.workflow, plugins: ids.plugin,
      };
      return byCollection[collection ?? ''];
    }
    return { name: 'thumbnailGeneration', key: 'thumbnail', $type: 'missing_file' }[name];
  };
  /** Query values an operation cannot do without. */
  const QUERY: Record<string, () => Record<string, string>> = {
    getActivities: () => ({ albumId: ids.album! }),
    getActivityStatistics: () => ({ albumId: ids.album! }),
    getFaces: () => ({ id: ids.asset! }),
    reverseGeocode: () => ({ lat: '52.52', lon: '13.405' }),
    getPartners: () => ({ direction: 'shared-by' }),
    getAssetsByOriginalPath: () => ({ path: '/' }),
    searchPerson: () => ({ name: 'a' }),
    searchPlaces: () => ({ name: 'Berlin' }),
    getSearchSuggestions: () => ({ type: 'country' }),
    getIntegrityReport: () => ({ type: 'missing_file' }),
  };
  /** Reads made by another kind of client than an API key: a link holder, the phone app's session. */
  const CREDENTIALS: Record<string, () => { key?: string; token?: string; query?: string }> = {
    getMySharedLink: () => ({ query: `key=${ids.sharedLinkKey}` }),
    getSyncAck: () => ({ token: home.ada.accessToken }),
  };
  /** Answers that are media, not JSON: a photo is no video. */
  const NOT_JSON = new Set(['playAssetVideo']);

  it('answers every read the SDK declares with the fields and types it declares', async () => {
    const problems: string[] = [];
    const notImplemented: string[] = [];
    const checked: string[] = [];
    for (const op of sdkOperations().filter((o) => o.method === 'GET')) {
      let route = op.path;
      let unfillable = false;
      route = route.replace(/\{([\w$]+)\}/g, (_, name: string) => {
        const value = pathValue(op.path, name);
        if (value === undefined) unfillable = true;
        return encodeURIComponent(value ?? '');
      });
      if (unfillable) continue;
      if (NOT_JSON.has(op.name)) continue;
      const query = new URLSearchParams(QUERY[op.name]?.() ?? {});
      if (op.name === 'getTimeBucket') query.set('timeBucket', ((await home.api.call<Json[]>('GET', '/timeline/buckets', { key: home.ada.apiKey })).body[0] as Json).timeBucket);
      const who = CREDENTIALS[op.name]?.() ?? { key: home.ada.apiKey };
      if (who.query) for (const [k, v] of new URLSearchParams(who.query)) query.set(k, v);
      const answer = await home.api.call<unknown>('GET', `${route}${query.size ? `?${query}` : ''}`, { key: who.key, token: who.token });
      // A route Shoebox does not have (Hono's own 404, or the API's "Cannot GET").
      if (answer.status === 404 && (answer.body === '404 Not Found' || String((answer.body as Json)?.message ?? '').startsWith('Cannot GET'))) {
        notImplemented.push(`${op.name} GET ${op.path}`);
        continue;
      }
      if (answer.status >= 400) {
        problems.push(`${op.name} GET ${route}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 160)}`);
        continue;
      }
      const type = op.returns;
      const element = type.endsWith('[]') ? type.slice(0, -2) : type;
      if (!knownImmichShape(element)) continue;
      checked.push(op.name);
      const values = type.endsWith('[]') ? (Array.isArray(answer.body) ? answer.body : [answer.body]) : [answer.body];
      if (type.endsWith('[]') && !Array.isArray(answer.body)) problems.push(`${op.name}: expected an array of ${element}`);
      for (const [i, value] of values.entries()) problems.push(...immichShapeProblems(value, element, `${op.name}${type.endsWith('[]') ? `[${i}]` : ''}`).slice(0, 5));
    }
    console.log(`checked ${checked.length} reads against @immich/sdk 3.2.2; not implemented: ${notImplemented.length}\n  ${notImplemented.join('\n  ')}`);
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(90);
  });
});
