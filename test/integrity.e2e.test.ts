import { utimes, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_JOBS } from '../functions/scheduled/daily-jobs.js';
import { readAll } from '../core/ports/object-store.js';
import { colourPhoto } from './media-samples.js';
import { startHousehold, type Household } from './test-runtime.js';

type Json = Record<string, any>;
const HOST = '127.0.0.41';

/**
 * Immich's integrity reports from a real check of Shoebox's store: an original whose bytes were
 * changed on disk, an original and a thumbnail that went missing, a stray file nothing names —
 * found by the checks, listed, exported, downloaded and acted on by the admin only.
 */
describe('integrity checks of the store', () => {
  let home: Household;
  let api: Household['api'];
  const ids: Record<string, string> = {};
  const paths: Record<string, string> = {};
  let stray: string;
  const admin = (method: string, path: string, body?: unknown) => api.call<Json>(method, path, { key: home.ada.apiKey, body });
  const run = async (name: string) => expect((await admin('POST', '/jobs', { name })).status, name).toBe(204);
  const summary = async () => (await admin('GET', '/admin/integrity/summary')).body;
  const store = () => home.runtime.ports.store;

  beforeAll(async () => {
    home = await startHousehold(HOST);
    api = home.api;
    for (const [name, seed] of [['damaged', 1], ['noThumbnail', 2], ['noOriginal', 3], ['fine', 4]] as const) {
      ids[name] = await api.upload(home.bea, await colourPhoto(40 * seed, 90, 200 - 30 * seed, seed), `${name}.jpg`);
      const { rows } = await home.runtime.ports.db.query<{ original: string; thumbnail: string }>(
        `SELECT a.original_path AS original, f.path AS thumbnail FROM assets a JOIN asset_files f ON f.asset_id = a.id AND f.type = 'thumbnail' WHERE a.id = $1`,
        [ids[name]],
      );
      paths[`${name}.original`] = rows[0]!.original;
      paths[`${name}.thumbnail`] = rows[0]!.thumbnail;
    }
    // What a failing disk, a careless hand and a crashed tool leave behind.
    // Changed on disk behind the server's back (bit rot, a tool): no upload event, no pipeline.
    await writeFile(store().localPath!(paths['damaged.original']!), await colourPhoto(1, 1, 1, 99));
    await store().delete(paths['noThumbnail.thumbnail']!);
    await store().delete(paths['noOriginal.original']!);
    stray = `derived/${home.bea.id}/ab/cd/left-behind.webp`;
    await store().write(stray, Buffer.from('stray bytes'), 'image/webp');
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(store().localPath!(stray), old, old);
    // A file written a moment ago may be a stage's output not recorded yet: it is left alone.
    await store().write(`derived/${home.bea.id}/ab/cd/just-written.webp`, Buffer.from('new'), 'image/webp');
    const config = (await admin('GET', '/system-config')).body;
    await admin('PUT', '/system-config', { ...config, integrityChecks: { ...config.integrityChecks, checksumFiles: { ...config.integrityChecks.checksumFiles, percentageLimit: 100 } } });
  });
  afterAll(() => home?.runtime.close());

  it('finds what is missing, what nothing names and what was changed, and only that', async () => {
    expect(await summary()).toEqual({ checksum_mismatch: 0, missing_file: 0, untracked_file: 0 });
    await run('integrity-missing-files');
    await run('integrity-untracked-files');
    await run('integrity-checksum-mismatch');
    expect(await summary()).toEqual({ checksum_mismatch: 1, missing_file: 2, untracked_file: 1 });
    const missing = (await admin('GET', '/admin/integrity/report?type=missing_file')).body;
    expect(missing.items.map((i: Json) => i.path).sort()).toEqual([paths['noOriginal.original'], paths['noThumbnail.thumbnail']].sort());
    expect(missing.nextCursor).toBeUndefined();
    expect((await admin('GET', '/admin/integrity/report?type=untracked_file')).body.items).toEqual([{ id: expect.any(String), path: stray, type: 'untracked_file' }]);
    expect((await admin('GET', '/admin/integrity/report?type=checksum_mismatch')).body.items[0].path).toBe(paths['damaged.original']);
    // Run again, the same findings (a check replaces its own), not twice as many.
    await run('integrity-missing-files-refresh');
    expect((await summary()).missing_file).toBe(2);
  });

  it('pages, exports and hands over the flagged files', async () => {
    const first = (await admin('GET', '/admin/integrity/report?type=missing_file&limit=1')).body;
    expect(first.items).toHaveLength(1);
    const second = (await admin('GET', `/admin/integrity/report?type=missing_file&limit=1&cursor=${first.nextCursor}`)).body;
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    const csv = await fetch(`http://${HOST}:${home.runtime.port}/api/admin/integrity/report/untracked_file/csv`, { headers: { 'x-api-key': home.ada.apiKey } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).split('\n')).toEqual(['id,type,assetId,fileAssetId,path', expect.stringContaining(`,untracked_file,,,"${stray}"`), '']);
    const strayReport = (await admin('GET', '/admin/integrity/report?type=untracked_file')).body.items[0];
    const file = await api.media(`/admin/integrity/report/${strayReport.id}/file`, home.ada.apiKey);
    expect(file.bytes.toString()).toBe('stray bytes');
    expect((await admin('GET', `/admin/integrity/report/${first.items[0].id}/file`)).status).toBe(404);
  });

  it('is the admin’s alone', async () => {
    const someReport = (await admin('GET', '/admin/integrity/report?type=untracked_file')).body.items[0].id;
    for (const [method, path] of [
      ['GET', '/admin/integrity/summary'],
      ['GET', '/admin/integrity/report?type=missing_file'],
      ['GET', '/admin/integrity/report/missing_file/csv'],
      ['GET', `/admin/integrity/report/${someReport}/file`],
      ['DELETE', `/admin/integrity/report/${someReport}`],
    ] as const) {
      expect((await api.call(method, path, { key: home.bea.apiKey })).status, `${method} ${path} as the photos' owner`).toBe(403);
      expect((await api.call(method, path)).status, `${method} ${path} with no one`).toBe(401);
    }
    expect((await api.call('POST', '/jobs', { key: home.bea.apiKey, body: { name: 'integrity-missing-files' } })).status).toBe(403);
    expect((await admin('GET', '/admin/integrity/report?type=everything')).status).toBe(400);
    expect((await admin('GET', '/admin/integrity/report?type=missing_file&cursor=nope')).status).toBe(400);
    expect((await admin('DELETE', '/admin/integrity/report/3fa85f64-5717-4562-b3fc-2c963f66afa6')).status).toBe(404);
    expect(await summary()).toEqual({ checksum_mismatch: 1, missing_file: 2, untracked_file: 1 });
  });

  it('acts on a finding as Immich does: damaged and lost originals to the trash, a lost thumbnail made again, a stray file deleted', async () => {
    const find = async (type: string, path: string) => ((await admin('GET', `/admin/integrity/report?type=${type}`)).body.items as Json[]).find((i) => i.path === path)!.id as string;
    expect((await admin('DELETE', `/admin/integrity/report/${await find('untracked_file', stray)}`)).status).toBe(204);
    expect(await store().head(stray)).toBeUndefined();
    await admin('DELETE', `/admin/integrity/report/${await find('checksum_mismatch', paths['damaged.original']!)}`);
    await admin('DELETE', `/admin/integrity/report/${await find('missing_file', paths['noOriginal.original']!)}`);
    const trashed = async (id: string) => (await api.call<Json>('GET', `/assets/${id}`, { key: home.bea.apiKey })).body.isTrashed;
    expect(await trashed(ids.damaged!)).toBe(true);
    expect(await trashed(ids.noOriginal!)).toBe(true);
    expect(await trashed(ids.fine!)).toBe(false);
    await admin('DELETE', `/admin/integrity/report/${await find('missing_file', paths['noThumbnail.thumbnail']!)}`);
    expect((await api.call('GET', `/assets/${ids.noThumbnail}/thumbnail`, { key: home.bea.apiKey })).status).toBe(404);
    await api.call('POST', '/assets/jobs', { key: home.bea.apiKey, body: { assetIds: [ids.noThumbnail], name: 'regenerate-thumbnail' } });
    await expect.poll(async () => (await api.media(`/assets/${ids.noThumbnail}/thumbnail`, home.bea.apiKey)).status, { timeout: 20_000 }).toBe(200);
    expect(await summary()).toEqual({ checksum_mismatch: 0, missing_file: 0, untracked_file: 0 });
    // The untouched photo and its files are all still there.
    expect((await readAll(await store().read(paths['fine.original']!))).length).toBeGreaterThan(0);
  });

  it('runs nightly as the admin’s settings say, and clears every finding of a type at once', async () => {
    await store().delete(paths['fine.thumbnail']!);
    expect(await DAILY_JOBS.integrity!(home.runtime.ports, new Date())).toBeGreaterThanOrEqual(1);
    expect((await summary()).missing_file).toBeGreaterThanOrEqual(1);
    await run('integrity-missing-files-delete-all');
    expect((await summary()).missing_file).toBe(0);
  });
});
