import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../adapters/local/embedded-postgres.js';
import { connectDatabase } from '../core/db/connect.js';
import { facePhoto } from './media-samples.js';
import { silentLogger } from './test-database.js';
import { writeTinyClipPack, writeTinyFacePack } from './model-packs.js';
import { apiClient, startTestRuntime, waitFor, type TestRuntime, type TestUser } from './test-runtime.js';

type Json = Record<string, any>;
const ROOT = path.resolve(import.meta.dirname, '..');
const BACKUP_NAME = /^shoebox-db-backup-\d{8}T\d{6}-v[\d.]+-pg[\d.]+\.sql\.gz$/;

/** `shoebox restore <file>` as a person runs it, against a data folder. */
function shoeboxRestore(dataDir: string, file: string, env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, ['cli/shoebox.mjs', 'restore', file], {
    cwd: ROOT,
    env: { ...process.env, SHOEBOX_DATA: dataDir, SHOEBOX_LOG_LEVEL: 'SILENT', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/** What a family would miss after a restore: every user, asset (with its checksum), album, person and count. */
async function libraryState(url: string, admin: TestUser, bob: TestUser) {
  const api = apiClient(url);
  const get = async (user: TestUser, route: string) => {
    const { status, body } = await api.call<any>('GET', route, { key: user.apiKey });
    expect(status, route).toBe(200);
    return body;
  };
  const assets = (await api.call<any>('POST', '/search/metadata', { key: admin.apiKey, body: { size: 1000 } })).body.assets.items
    .map((a: Json) => ({ id: a.id, name: a.originalFileName, checksum: a.checksum, type: a.type }))
    .sort((a: Json, b: Json) => a.id.localeCompare(b.id));
  return {
    users: ((await get(admin, '/admin/users')) as Json[]).map((u) => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin })).sort((a, b) => a.id.localeCompare(b.id)),
    assets,
    albums: ((await get(admin, '/albums')) as Json[]).map((a) => ({ id: a.id, name: a.albumName, count: a.assetCount, users: a.albumUsers.map((u: Json) => `${u.user.email}:${u.role}`) })),
    bobsAlbums: ((await get(bob, '/albums?shared=true')) as Json[]).map((a) => a.albumName),
    people: (await get(admin, '/people')).people.map((p: Json) => ({ id: p.id, name: p.name })),
    buckets: await get(admin, '/timeline/buckets'),
    statistics: await get(admin, '/assets/statistics'),
  };
}

describe('database backups: made nightly and by hand, listed, restored into a fresh data folder', () => {
  const work: string[] = [];
  let source: TestRuntime;
  let models: string;
  let admin: TestUser;
  let bob: TestUser;
  let before: Awaited<ReturnType<typeof libraryState>>;
  let backupFile: string;
  let restoredDir: string;

  beforeAll(async () => {
    models = await mkdtemp(path.join(os.tmpdir(), 'shoebox-models-'));
    work.push(models);
    await writeTinyFacePack(models);
    await writeTinyClipPack(models);
    source = await startTestRuntime({ SHOEBOX_MODELS: models });
    const api = apiClient(source.url);
    admin = await api.signUpAdmin();
    bob = await api.createUser(admin, 'bob@example.com');
    const ids = [];
    for (const seed of [1, 2, 3]) ids.push(await api.upload(admin, await facePhoto([230, 10, 10], seed), `Großmutter-${seed}.jpg`));
    ids.push(await api.upload(bob, await facePhoto([10, 10, 230], 9), 'Café ü.jpg'));
    await waitFor(async () => ((await api.call<any>('GET', '/people', { key: admin.apiKey })).body.people.length === 1 ? true : undefined), 'a person');
    const person = (await api.call<any>('GET', '/people', { key: admin.apiKey })).body.people[0];
    expect((await api.call('PUT', `/people/${person.id}`, { key: admin.apiKey, body: { name: 'Oma Käthe' } })).status).toBe(200);
    const album = await api.call<any>('POST', '/albums', { key: admin.apiKey, body: { albumName: 'Sommer 2026 ☀', assetIds: ids.slice(0, 2) } });
    expect(album.status).toBe(201);
    expect((await api.call('PUT', `/albums/${album.body.id}/users`, { key: admin.apiKey, body: { albumUsers: [{ userId: bob.id, role: 'editor' }] } })).status).toBe(200);
    before = await libraryState(source.url, admin, bob);
    expect(before.assets).toHaveLength(3);
    expect(before.people).toEqual([{ id: person.id, name: 'Oma Käthe' }]);
  }, 180_000);
  afterAll(async () => {
    await source?.close();
    await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('the nightly job writes a gzipped dump under data/backups and keeps the newest SHOEBOX_BACKUP_KEEP', async () => {
    const { runDueDailyJobs } = await import('../functions/scheduled/daily-jobs.js');
    expect(await runDueDailyJobs(source.ports, ['backup'])).toEqual({ backup: 1 });
    // Claimed for the day: a second tick the same day makes none.
    expect(await runDueDailyJobs(source.ports, ['backup'])).toEqual({});
    const api = apiClient(source.url);
    const list = await api.call<any>('GET', '/admin/database-backups', { key: admin.apiKey });
    expect(list.status).toBe(200);
    expect(list.body.backups).toHaveLength(1);
    expect(list.body.backups[0]).toMatchObject({ filename: expect.stringMatching(BACKUP_NAME), filesize: expect.any(Number), timezone: expect.any(String) });
    const onDisk = path.join(source.dataDir, 'backups', list.body.backups[0].filename);
    const text = gunzipSync(await readFile(onDisk)).toString('utf8');
    expect(text.split('\n')[0]).toMatch(/^-- shoebox-dump \{"format":1,"schemaVersion":\d+,/);
    expect(text).toContain('Oma Käthe');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^-- end \{"rows":\d+\}$/);
  });

  it('POST /jobs backup-database makes one now; retention deletes the oldest beyond the limit', async () => {
    const api = apiClient(source.url);
    const { createDatabaseBackup } = await import('../core/backups/database-backups.js');
    for (let day = 1; day <= 3; day++) {
      await createDatabaseBackup(source.ports.db, source.ports.backups!, { now: new Date(`2026-11-0${day}T02:00:00Z`), keep: 3 });
    }
    expect((await api.call('POST', '/jobs', { key: admin.apiKey, body: { name: 'backup-database' } })).status).toBe(204);
    const names = (await api.call<any>('GET', '/admin/database-backups', { key: admin.apiKey })).body.backups.map((b: Json) => b.filename);
    // Kept 3: tonight's, 11-03 and 11-02 — 11-01 went. The one made by hand keeps 14: none went.
    expect(names.filter((n: string) => n.includes('20261101T'))).toEqual([]);
    expect(names.some((n: string) => n.includes('20261103T020000'))).toBe(true);
    expect(names.every((n: string) => BACKUP_NAME.test(n))).toBe(true);
    backupFile = path.join(source.dataDir, 'backups', names[0]);
  });

  it('only an admin (or a key with the backup permissions) lists, downloads, deletes or uploads backups', async () => {
    const api = apiClient(source.url);
    const name = path.basename(backupFile);
    expect((await api.call('GET', '/admin/database-backups')).status).toBe(401);
    expect((await api.call('GET', '/admin/database-backups', { key: bob.apiKey })).status).toBe(403);
    expect((await api.call('GET', `/admin/database-backups/${name}`, { key: bob.apiKey })).status).toBe(403);
    expect((await api.call('DELETE', '/admin/database-backups', { key: bob.apiKey, body: { backups: [name] } })).status).toBe(403);
    const limited = await api.call<any>('POST', '/api-keys', { key: admin.apiKey, body: { name: 'reader', permissions: ['asset.read'] } });
    expect((await api.call('GET', '/admin/database-backups', { key: limited.body.secret })).status).toBe(403);
    expect((await api.call('GET', `/admin/database-backups/${name}`, { key: limited.body.secret })).status).toBe(403);
    const download = await api.media(`/admin/database-backups/${name}`, admin.apiKey);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    expect(download.bytes.equals(await readFile(backupFile))).toBe(true);
    // Names are ours only: no path out of the folder, nothing else in the data folder.
    for (const bad of ['..%2Fsecret', '%2E%2E%2Fshoebox.pid', 'secret', 'shoebox-db-backup-x.sql.gz%00']) {
      expect((await api.call('GET', `/admin/database-backups/${bad}`, { key: admin.apiKey })).status, bad).toBe(400);
    }
    // A delete naming one that does not exist deletes none of them.
    const missing = await api.call('DELETE', '/admin/database-backups', { key: admin.apiKey, body: { backups: [name, 'shoebox-db-backup-20200101T000000-v0.1.0-pg17.sql.gz'] } });
    expect(missing.status).toBe(404);
    expect((await api.call<any>('GET', '/admin/database-backups', { key: admin.apiKey })).body.backups.map((b: Json) => b.filename)).toContain(name);
    expect((await api.call('DELETE', '/admin/database-backups', { key: admin.apiKey, body: { backups: ['../secret'] } })).status).toBe(400);
    // On a server with an admin, the restore flow for new servers is closed.
    const start = await api.call<any>('POST', '/admin/database-backups/start-restore');
    expect(start).toMatchObject({ status: 400, body: { message: 'The server already has an admin' } });
  });

  it('uploads: a dump is kept as uploaded-<its name> (UTF-8); anything else is refused and removed', async () => {
    const api = apiClient(source.url);
    const upload = (bytes: Buffer, name: string, key = admin.apiKey) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)]), name);
      return fetch(`${source.url}/api/admin/database-backups/upload`, { method: 'POST', headers: { 'x-api-key': key }, body: form });
    };
    const names = async () => (await api.call<any>('GET', '/admin/database-backups', { key: admin.apiKey })).body.backups.map((b: Json) => b.filename);
    const count = (await names()).length;
    expect((await upload(await readFile(backupFile), 'Sicherung März.sql.gz', bob.apiKey)).status).toBe(403);
    expect((await upload(await facePhoto([1, 2, 3], 1), 'photo.sql.gz')).status).toBe(400);
    expect((await upload(gzipSync('DROP TABLE users;\n'), 'evil.sql.gz')).status).toBe(400);
    expect((await upload(Buffer.alloc(0), 'empty.sql.gz')).status).toBe(400);
    const cut = await fetch(`${source.url}/api/admin/database-backups/upload`, {
      method: 'POST',
      headers: { 'x-api-key': admin.apiKey, 'content-type': 'multipart/form-data; boundary=XX' },
      body: '--XX\r\ncontent-disposition: form-data; name="file"; filename="cut.sql.gz"\r\n\r\n-- shoebox-dump',
    });
    expect(cut.status).toBe(400);
    expect(await names()).toHaveLength(count);
    const ok = await upload(await readFile(backupFile), 'Sicherung März.sql.gz');
    expect(ok.status).toBe(201);
    expect(await names()).toContain('uploaded-Sicherung März.sql.gz');
  });

  it('shoebox restore puts every user, asset, album, person and count back in a fresh data folder; the originals verify', { timeout: 180_000 }, async () => {
    // The old machine is gone; its backup and originals were kept (its folder stays for the copy).
    const sourceDir = source.dataDir;
    work.push(sourceDir);
    await source.stop();
    source = undefined as unknown as TestRuntime;
    restoredDir = await mkdtemp(path.join(os.tmpdir(), 'shoebox-restored-'));
    work.push(restoredDir);
    // A full backup is the dump and the originals: bring both to the new machine.
    await cp(path.join(sourceDir, 'store'), path.join(restoredDir, 'store'), { recursive: true });
    const restore = shoeboxRestore(restoredDir, backupFile);
    expect(restore.out).toMatch(/Restored \d+ rows in \d+ tables/);
    expect(restore.code).toBe(0);

    const restored = await startTestRuntime({ SHOEBOX_MODELS: models }, restoredDir);
    try {
      const after = await libraryState(restored.url, admin, bob);
      expect(after).toEqual(before);
      const api = apiClient(restored.url);
      for (const asset of after.assets) {
        const original = await api.media(`/assets/${asset.id}/original`, admin.apiKey);
        expect(original.status).toBe(200);
        expect(createHash('sha1').update(original.bytes).digest('base64')).toBe(asset.checksum);
        expect((await api.media(`/assets/${asset.id}/thumbnail`, admin.apiKey)).status).toBe(200);
      }
      // Bob logs in with his password too, and the server goes on working: a new upload lands.
      const login = await api.call<any>('POST', '/auth/login', { body: { email: 'bob@example.com', password: 'another good password' } });
      expect(login.status).toBe(201);
      await api.upload(bob, await facePhoto([10, 230, 10], 20), 'after-restore.jpg');
    } finally {
      await restored.stop();
    }
  });

  it('restores into a DATABASE_URL Postgres as well (the same dump, through the pg driver)', { timeout: 120_000 }, async () => {
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'shoebox-external-db-'));
    work.push(elsewhere);
    const postgres = await startEmbeddedPostgres({ dataDir: path.join(elsewhere, 'db'), sharedBuffers: '16MB' });
    try {
      const restore = shoeboxRestore(path.join(elsewhere, 'data'), backupFile, { DATABASE_URL: postgres.url });
      expect(restore.code, restore.out).toBe(0);
      const db = connectDatabase(postgres.url, { max: 1, logger: silentLogger });
      const { rows } = await db.query<{ email: string }>('SELECT email FROM users ORDER BY email');
      expect(rows.map((r) => r.email)).toEqual(before.users.map((u) => u.email).sort());
      const { rows: people } = await db.query<{ name: string }>('SELECT name FROM people');
      expect(people.map((p) => p.name)).toEqual(['Oma Käthe']);
      await db.end();
    } finally {
      await postgres.stop();
    }
  });

  it('a damaged, cut-off or foreign dump changes nothing; nor does one while the server runs', { timeout: 180_000 }, async () => {
    const dumps = await mkdtemp(path.join(os.tmpdir(), 'shoebox-dumps-'));
    work.push(dumps);
    const text = gunzipSync(await readFile(backupFile)).toString('utf8');
    const lines = text.trimEnd().split('\n');
    const bad: Record<string, Buffer> = {
      'cut off mid-way': (await readFile(backupFile)).subarray(0, 2000),
      'without its end line': gzipSync(lines.slice(0, -1).join('\n')),
      'with SQL we did not write': gzipSync([...lines.slice(0, 3), 'DROP TABLE users;', ...lines.slice(3)].join('\n')),
      'smuggling SQL in a row': gzipSync([...lines.slice(0, 3), `INSERT INTO "users" SELECT * FROM jsonb_populate_recordset(NULL::"users", '[]'); DROP TABLE users; --');`, ...lines.slice(3)].join('\n')),
      'from a newer Shoebox': gzipSync(text.replace(/"schemaVersion":\d+/, '"schemaVersion":9999')),
      'not a dump': await facePhoto([1, 2, 3], 4),
      'empty': Buffer.alloc(0),
    };
    for (const [what, bytes] of Object.entries(bad)) {
      const file = path.join(dumps, `${what.replace(/\W+/g, '-')}.sql.gz`);
      await writeFile(file, bytes);
      const result = shoeboxRestore(restoredDir, file);
      expect(result.code, `${what}: ${result.out}`).toBe(1);
      expect(result.out, what).toMatch(/^shoebox: /m);
    }
    const running = await startTestRuntime({ SHOEBOX_MODELS: models }, restoredDir);
    try {
      const refused = shoeboxRestore(restoredDir, backupFile);
      expect(refused.code).toBe(1);
      expect(refused.out).toMatch(/is using .*: stop it first/);
      const after = await libraryState(running.url, admin, bob);
      expect(after.users).toEqual(before.users);
      expect(after.albums).toEqual(before.albums);
      expect(after.people).toEqual(before.people);
      expect(after.assets).toEqual(before.assets);
    } finally {
      await running.stop();
    }
  });

  it('a new server restores through the API: start-restore, upload with the maintenance cookie, restore_database', { timeout: 180_000 }, async () => {
    const fresh = await startTestRuntime({ SHOEBOX_MODELS: models });
    try {
      const api = apiClient(fresh.url);
      const start = await api.call('POST', '/admin/database-backups/start-restore');
      expect(start.status).toBe(201);
      const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
      expect(cookie).toMatch(/^immich_maintenance_token=/);
      expect((await api.call('GET', '/admin/maintenance/status')).body).toEqual({ active: true, action: 'select_database_restore' });
      expect((await api.call<any>('GET', '/server/config')).body.maintenanceMode).toBe(true);
      // Nothing else answers meanwhile: not even the first sign-up.
      expect((await api.call('POST', '/auth/admin-sign-up', { body: { email: 'x@example.com', password: 'a password here', name: 'X' } })).status).toBe(503);
      expect((await api.call('GET', '/admin/database-backups', { headers: { cookie: 'immich_maintenance_token=guess' } })).status).toBe(401);
      // The restore page proves it holds the token, and looks at what this install already holds.
      const token = decodeURIComponent(cookie.split('=')[1]!);
      expect(await api.call('POST', '/admin/maintenance/login', { body: { token } })).toMatchObject({ status: 201, body: { username: expect.any(String) } });
      expect((await api.call('POST', '/admin/maintenance/login', { headers: { cookie } })).status).toBe(201);
      expect(await api.call('POST', '/admin/maintenance/login', { body: { token: 'guess' } })).toMatchObject({ status: 401, body: { message: 'Invalid maintenance token' } });
      const install = await api.call<{ storage: Array<Record<string, unknown>> }>('GET', '/admin/maintenance/detect-install', { headers: { cookie } });
      expect(install.status).toBe(200);
      expect(install.body.storage.map((f) => f.folder).sort()).toEqual(['backups', 'encoded-video', 'library', 'profile', 'thumbs', 'upload']);
      expect(install.body.storage.find((f) => f.folder === 'upload')).toEqual({ folder: 'upload', files: 0, readable: true, writable: true });
      expect((await api.call('GET', '/admin/maintenance/detect-install')).status).toBe(401);

      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(await readFile(backupFile))]), 'from-the-old-server.sql.gz');
      const upload = await fetch(`${fresh.url}/api/admin/database-backups/upload`, { method: 'POST', headers: { cookie }, body: form });
      expect(upload.status).toBe(201);
      const restore = await api.call('POST', '/admin/maintenance', {
        headers: { cookie },
        body: { action: 'restore_database', restoreBackupFilename: 'uploaded-from-the-old-server.sql.gz' },
      });
      expect(restore.status).toBe(201);
      const done = await waitFor(async () => {
        const { body } = await api.call<any>('GET', '/admin/maintenance/status');
        return body.active ? undefined : body;
      }, 'the restore to finish', 120_000);
      expect(done).toEqual({ active: false, action: 'end' });
      expect((await api.call<any>('GET', '/server/config')).body.maintenanceMode).toBe(false);
      const after = await libraryState(fresh.url, admin, bob);
      expect(after).toEqual(before);
      // The cookie ends with maintenance.
      expect((await api.call('GET', '/admin/database-backups', { headers: { cookie } })).status).toBe(401);

      // A damaged backup restored through the API reports its error and leaves the database as it was.
      const damaged = new FormData();
      damaged.append('file', new Blob([new Uint8Array(gzipSync(gunzipSync(await readFile(backupFile)).toString('utf8').split('\n').slice(0, -2).join('\n')))]), 'damaged.sql.gz');
      expect((await fetch(`${fresh.url}/api/admin/database-backups/upload`, { method: 'POST', headers: { 'x-api-key': admin.apiKey }, body: damaged })).status).toBe(201);
      expect(
        (await api.call('POST', '/admin/maintenance', { key: admin.apiKey, body: { action: 'restore_database', restoreBackupFilename: 'uploaded-damaged.sql.gz' } })).status,
      ).toBe(201);
      const failed = await waitFor(async () => {
        const { body } = await api.call<any>('GET', '/admin/maintenance/status');
        return body.error ? body : undefined;
      }, 'the damaged restore to fail', 120_000);
      expect(failed).toMatchObject({ active: true, action: 'restore_database', error: expect.stringContaining('cut off') });
      expect((await api.call('POST', '/admin/maintenance', { key: admin.apiKey, body: { action: 'end' } })).status).toBe(201);
      expect(await libraryState(fresh.url, admin, bob)).toEqual(before);
    } finally {
      await fresh.close();
    }
  });
});
