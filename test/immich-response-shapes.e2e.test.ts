import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colourPhoto } from './media-samples.js';
import { immichShapeProblems, knownImmichShape } from './immich-shapes.js';
import { immichLicence, startHousehold, type Household } from './test-runtime.js';

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
  const ids: Record<string, string> & { config?: unknown } = {};

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
    await send('PUT', '/server/license', immichLicence('IMSV'));
    await send('PUT', '/users/me/license', immichLicence('IMCL'));
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
    ids.assetFile = ((await send('GET', `/asset-files?assetId=${ids.asset}`)) as unknown as Json[])[0]!.id;
    await send('PUT', `/assets/${ids.asset}/metadata`, { items: [{ key: 'thumbnail', value: { note: 'the key the path names' } }] });
  });
  afterAll(() => home?.runtime.close());

  /** Path parameters by the collection they name. */
  const pathValue = (route: string, name: string): string | undefined => {
    if (name === 'id') {
      const collection = /^\/(?:admin\/)?([\w-]+)/.exec(route)?.[1];
      const byCollection: Record<string, string | undefined> = {
        albums: ids.album, assets: ids.asset, users: ids.user, 'api-keys': ids.apiKey, 'shared-links': ids.sharedLink, tags: ids.tag,
        stacks: ids.stack, memories: ids.memory, libraries: ids.library, notifications: ids.notification, partners: ids.partner,
        workflows: ids.workflow, plugins: ids.plugin, 'asset-files': ids.assetFile,
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
    searchAssetFiles: () => ({ assetId: ids.asset! }),
  };
  /** Reads made by another kind of client than an API key: a link holder, the phone app's session. */
  const CREDENTIALS: Record<string, () => { key?: string; token?: string; query?: string }> = {
    getMySharedLink: () => ({ query: `key=${ids.sharedLinkKey}` }),
    getSyncAck: () => ({ token: home.ada.accessToken }),
  };
  /** Answers that are media, not JSON: a photo is no video. */
  const NOT_JSON = new Set(['playAssetVideo', 'downloadAssetFile', 'getMainPlaylist', 'getMediaPlaylist', 'getSegment']);

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
    expect(notImplemented).toEqual([]);
    expect(checked.length).toBeGreaterThan(100);
  });

  /**
   * A write as a client makes it: the SDK operation, its path values, its body, who sends it
   * (Ada's key unless named), and what of the answer later writes need.
   */
  interface Write {
    op: string;
    params?: () => Record<string, string>;
    body?: () => unknown;
    query?: () => Record<string, string>;
    who?: () => { key?: string; token?: string };
    keep?: (answer: Json) => void;
  }
  const now = () => new Date().toISOString();
  const WRITES: Write[] = [
    { op: 'createAlbum', body: () => ({ albumName: 'Winter in Zürich', assetIds: [ids.asset2] }), keep: (a) => (ids.album2 = a.id) },
    { op: 'updateAlbumInfo', params: () => ({ id: ids.album2! }), body: () => ({ description: 'Schnee' }) },
    { op: 'addAssetsToAlbum', params: () => ({ id: ids.album2! }), body: () => ({ ids: [ids.asset] }) },
    { op: 'removeAssetFromAlbum', params: () => ({ id: ids.album2! }), body: () => ({ ids: [ids.asset] }) },
    { op: 'addAssetsToAlbums', body: () => ({ albumIds: [ids.album2], assetIds: [ids.asset] }) },
    { op: 'addUsersToAlbum', params: () => ({ id: ids.album2! }), body: () => ({ albumUsers: [{ userId: home.cy.id, role: 'editor' }] }) },
    { op: 'createActivity', body: () => ({ albumId: ids.album, type: 'comment', comment: 'Schön!' }) },
    { op: 'createApiKey', body: () => ({ name: 'Bilderrahmen', permissions: ['asset.read'] }), keep: (a) => (ids.apiKey2 = a.apiKey.id) },
    { op: 'updateApiKey', params: () => ({ id: ids.apiKey2! }), body: () => ({ name: 'Rahmen im Flur' }) },
    { op: 'rotateApiKey', params: () => ({ id: ids.apiKey2! }) },
    { op: 'checkBulkUpload', body: () => ({ assets: [{ id: 'phone-1', checksum: 'a'.repeat(40) }] }) },
    { op: 'updateBulkAssetMetadata', body: () => ({ items: [{ assetId: ids.asset, key: 'frame', value: { shown: 3 } }] }) },
    { op: 'updateAsset', params: () => ({ id: ids.asset! }), body: () => ({ description: 'Rot im Schnee', rating: 4 }) },
    { op: 'updateAssetMetadata', params: () => ({ id: ids.asset! }), body: () => ({ items: [{ key: 'note', value: { text: 'Grüße' } }] }) },
    { op: 'editAsset', params: () => ({ id: ids.asset2! }), body: () => ({ edits: [{ action: 'rotate', parameters: { angle: 90 } }] }) },
    { op: 'login', body: () => ({ email: 'bea@example.com', password: 'another good password' }), who: () => ({}), keep: (a) => (ids.beaToken = a.accessToken) },
    { op: 'validateAccessToken', who: () => ({ token: ids.beaToken }) },
    { op: 'getDownloadInfo', body: () => ({ assetIds: [ids.asset] }) },
    { op: 'resolveDuplicates', body: () => ({ groups: [{ duplicateId: '00000000-0000-4000-8000-000000000000', keepAssetIds: [], trashAssetIds: [] }] }) },
    { op: 'runQueueCommandLegacy', params: () => ({ name: 'thumbnailGeneration' }), body: () => ({ command: 'resume', force: false }) },
    { op: 'updateQueue', params: () => ({ name: 'thumbnailGeneration' }), body: () => ({ isPaused: false }) },
    { op: 'createLibrary', body: () => ({ ownerId: home.ada.id, importPaths: [] }), keep: (a) => (ids.library2 = a.id) },
    { op: 'updateLibrary', params: () => ({ id: ids.library2! }), body: () => ({ name: 'Archiv' }) },
    { op: 'validate', params: () => ({ id: ids.library2! }), body: () => ({ importPaths: ['/nowhere'], exclusionPatterns: [] }) },
    { op: 'createMemory', body: () => ({ type: 'on_this_day', data: { year: 2019 }, memoryAt: '2024-07-01T00:00:00.000Z', assetIds: [ids.asset] }), keep: (a) => (ids.memory2 = a.id) },
    { op: 'updateMemory', params: () => ({ id: ids.memory2! }), body: () => ({ isSaved: true }) },
    { op: 'addMemoryAssets', params: () => ({ id: ids.memory2! }), body: () => ({ ids: [ids.asset2] }) },
    { op: 'removeMemoryAssets', params: () => ({ id: ids.memory2! }), body: () => ({ ids: [ids.asset2] }) },
    { op: 'createNotification', body: () => ({ userId: home.ada.id, title: 'Zwei' }), keep: (a) => (ids.notification2 = a.id) },
    { op: 'updateNotification', params: () => ({ id: ids.notification2! }), body: () => ({ readAt: now() }) },
    { op: 'getNotificationTemplateAdmin', params: () => ({ name: 'album-invite' }), body: () => ({ template: '' }) },
    { op: 'createPartner', body: () => ({ sharedWithId: home.cy.id }) },
    { op: 'updatePartner', params: () => ({ id: home.ada.id }), body: () => ({ inTimeline: true }), who: () => ({ key: home.bea.apiKey }) },
    { op: 'createPerson', body: () => ({ name: 'Oma' }), keep: (a) => (ids.person = a.id) },
    { op: 'updatePerson', params: () => ({ id: ids.person! }), body: () => ({ isFavorite: true, birthDate: '1941-03-02' }) },
    { op: 'updatePeople', body: () => ({ people: [{ id: ids.person, isHidden: false }] }) },
    { op: 'createPerson', body: () => ({}), keep: (a) => (ids.person2 = a.id) },
    { op: 'mergePeople', body: () => ({ ids: [ids.person, ids.person2] }) },
    { op: 'createPerson', body: () => ({}), keep: (a) => (ids.person3 = a.id) },
    { op: 'mergePersonLegacy', params: () => ({ id: ids.person! }), body: () => ({ ids: [ids.person3] }) },
    { op: 'searchLargeAssets', query: () => ({ minFileSize: '0' }) },
    { op: 'searchAssets', body: () => ({ withExif: true }) },
    { op: 'searchRandom', body: () => ({ size: 2 }) },
    { op: 'searchAssetStatistics', body: () => ({}) },
    { op: 'createSession', body: () => ({ deviceType: 'Fernseher', deviceOS: 'tvOS' }), who: () => ({ token: home.ada.accessToken }), keep: (a) => (ids.session = a.id) },
    { op: 'updateSession', params: () => ({ id: ids.session! }), body: () => ({ isPendingSyncReset: false }) },
    { op: 'createSharedLink', body: () => ({ type: 'INDIVIDUAL', assetIds: [ids.asset], password: 'sesam öffne dich' }), keep: (a) => ((ids.link2 = a.id), (ids.link2Key = a.key)) },
    { op: 'updateSharedLink', params: () => ({ id: ids.link2! }), body: () => ({ description: 'Für Oma' }) },
    { op: 'addSharedLinkAssets', params: () => ({ id: ids.link2! }), body: () => ({ assetIds: [ids.asset2] }) },
    { op: 'removeSharedLinkAssets', params: () => ({ id: ids.link2! }), body: () => ({ assetIds: [ids.asset2] }) },
    { op: 'sharedLinkLogin', body: () => ({ password: 'sesam öffne dich' }), query: () => ({ key: ids.link2Key! }), who: () => ({}) },
    { op: 'updateStack', params: () => ({ id: ids.stack! }), body: () => ({ primaryAssetId: ids.asset2 }) },
    { op: 'createTag', body: () => ({ name: 'Urlaub', color: '#33aa55' }), keep: (a) => (ids.tag2 = a.id) },
    { op: 'upsertTags', body: () => ({ tags: ['Reise/Italien/Toskana'] }) },
    { op: 'bulkTagAssets', body: () => ({ tagIds: [ids.tag2], assetIds: [ids.asset] }) },
    { op: 'updateTag', params: () => ({ id: ids.tag2! }), body: () => ({ color: '#ff0000' }) },
    { op: 'tagAssets', params: () => ({ id: ids.tag2! }), body: () => ({ ids: [ids.asset2] }) },
    { op: 'untagAssets', params: () => ({ id: ids.tag2! }), body: () => ({ ids: [ids.asset2] }) },
    { op: 'restoreTrash' },
    { op: 'restoreAssets', body: () => ({ ids: [ids.asset] }) },
    { op: 'emptyTrash' },
    { op: 'updateMyUser', body: () => ({ name: 'Ada Lovelace' }) },
    { op: 'setUserOnboarding', body: () => ({ isOnboarded: true }) },
    { op: 'updateMyPreferences', body: () => ({ memories: { enabled: true } }) },
    { op: 'createUserAdmin', body: () => ({ email: 'dora@example.com', password: 'a password for Dora', name: 'Dóra' }), keep: (a) => (ids.user2 = a.id) },
    { op: 'updateUserAdmin', params: () => ({ id: ids.user2! }), body: () => ({ name: 'Dóra D.' }) },
    { op: 'updateUserPreferencesAdmin', params: () => ({ id: ids.user2! }), body: () => ({ download: { includeEmbeddedVideos: false } }) },
    { op: 'deleteUserAdmin', params: () => ({ id: ids.user2! }), body: () => ({}) },
    { op: 'restoreUserAdmin', params: () => ({ id: ids.user2! }) },
    { op: 'createWorkflow', body: () => ({ trigger: 'AssetCreate', steps: [] }), keep: (a) => (ids.workflow2 = a.id) },
    { op: 'updateWorkflow', params: () => ({ id: ids.workflow2! }), body: () => ({ enabled: false }) },
    { op: 'updateConfig', body: () => ids.config },
    { op: 'updateAdminConfig', body: () => ids.config },
    { op: 'changePassword', body: () => ({ password: 'another good password', newPassword: 'another good password, longer' }), who: () => ({ token: ids.beaToken }) },
    { op: 'logout', who: () => ({ token: ids.beaToken }) },
  ];

  it('answers every write the phone app, the web app and the tools make in the shape @immich/sdk 3.2.2 declares', async () => {
    const operations = new Map(sdkOperations().map((op) => [op.name, op]));
    ids.config = (await home.api.call<Json>('GET', '/system-config', { key: home.ada.apiKey })).body as never;
    const problems: string[] = [];
    const checked = new Set<string>();
    for (const write of WRITES) {
      const op = operations.get(write.op);
      if (!op) throw new Error(`${write.op} is not in @immich/sdk`);
      const params = write.params?.() ?? {};
      const route = op.path.replace(/\{([\w$]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
      const query = new URLSearchParams(write.query?.() ?? {});
      const who = write.who?.() ?? { key: home.ada.apiKey };
      const answer = await home.api.call<unknown>(op.method, `${route}${query.size ? `?${query}` : ''}`, { ...who, body: write.body?.() });
      if (answer.status >= 300) {
        problems.push(`${op.name} ${op.method} ${route}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        continue;
      }
      const element = op.returns.endsWith('[]') ? op.returns.slice(0, -2) : op.returns;
      expect(knownImmichShape(element), `${op.name} returns ${op.returns}`).toBe(true);
      checked.add(op.name);
      if (op.returns.endsWith('[]') && !Array.isArray(answer.body)) problems.push(`${op.name}: expected an array of ${element}`);
      const values = Array.isArray(answer.body) ? answer.body : [answer.body];
      for (const [i, value] of values.entries()) problems.push(...immichShapeProblems(value, element, `${op.name}[${i}]`).slice(0, 5));
      write.keep?.(answer.body as Json);
    }
    console.log(`checked ${checked.size} writes against @immich/sdk 3.2.2`);
    expect(problems).toEqual([]);
    expect(checked.size).toBe(new Set(WRITES.map((w) => w.op)).size);
  });
});
